package io.openegiz.flux.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.security.PasswordFile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class PasswdCommandTest {
  @TempDir
  Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  /** Runs {@code flux passwd args} with {@code stdin} as a non-terminal standard input. */
  int run(String stdin, String... args) {
    PasswdCommand cmd = new PasswdCommand();
    cmd.in = new ByteArrayInputStream(stdin.getBytes(UTF_8));
    cmd.err = new PrintStream(err, true, UTF_8);
    cmd.console = null;
    return new CommandLine(cmd).execute(args);
  }

  @Test
  void createPromptsTwiceAndWritesAnOwnerOnlyFile() throws Exception {
    Path f = dir.resolve("passwd");
    assertThat(run("pw one\npw one\n", "-c", f.toString(), "alice")).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    PasswordFile pf = PasswordFile.read(f);
    assertThat(pf.hash("alice").iterations()).isEqualTo(PasswdCommand.DEFAULT_ITERATIONS);
    assertThat(pf.hash("alice").matches("pw one".getBytes(UTF_8))).isTrue();
  }

  @Test
  void mismatchedOrMissingPasswordsWriteNothing() {
    Path f = dir.resolve("passwd");
    assertThat(run("a\nb\n", "-c", f.toString(), "alice")).isEqualTo(1);
    assertThat(err.toString(UTF_8)).contains("passwords do not match");
    assertThat(run("a\n", "-c", f.toString(), "alice")).isEqualTo(1);
    assertThat(f).doesNotExist();
  }

  @Test
  void batchAddsUpdatesAndDeletesKeepingOtherLines() throws Exception {
    Path f = dir.resolve("passwd");
    assertThat(run("", "-c", "-b", f.toString(), "alice", "a1")).isZero();
    Files.writeString(f, "# fleet\n" + Files.readString(f));
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
    assertThat(run("", "-b", "-I", "1000", f.toString(), "bob", "b1")).isZero();
    assertThat(run("", "-b", f.toString(), "alice", "a2")).isZero();
    PasswordFile pf = PasswordFile.read(f);
    assertThat(pf.users()).containsExactly("alice", "bob");
    assertThat(pf.hash("alice").matches("a2".getBytes(UTF_8))).isTrue();
    assertThat(pf.hash("bob").iterations()).isEqualTo(1000);
    assertThat(Files.readAllLines(f).get(0)).isEqualTo("# fleet");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-r-----");

    assertThat(run("", "-D", f.toString(), "alice")).isZero();
    assertThat(PasswordFile.read(f).users()).containsExactly("bob");
    assertThat(run("", "-D", f.toString(), "alice")).isEqualTo(1);
  }

  @Test
  void upgradeHashesPlaintextLinesOnly() throws Exception {
    Path f = dir.resolve("passwd");
    assertThat(run("", "-c", "-b", f.toString(), "alice", "a1")).isZero();
    String aliceLine = Files.readAllLines(f).get(0);
    Files.writeString(f, aliceLine + "\n# comment\nbob:plain pw\n");
    assertThat(run("", "-U", f.toString())).isZero();
    PasswordFile pf = PasswordFile.read(f);
    assertThat(Files.readAllLines(f).get(0)).isEqualTo(aliceLine);
    assertThat(pf.hash("bob").matches("plain pw".getBytes(UTF_8))).isTrue();
    assertThat(Files.readString(f)).doesNotContain("plain pw");
  }

  @Test
  void usageErrors() {
    Path f = dir.resolve("passwd");
    assertThat(run("", "-c", "-D", f.toString(), "alice")).isEqualTo(2);
    assertThat(run("", "-b", f.toString(), "alice")).isEqualTo(2);
    assertThat(run("", "-c", "-b", f.toString(), "al:ice", "pw")).isEqualTo(2);
    assertThat(run("", "-I", "0", "-c", "-b", f.toString(), "alice", "pw")).isEqualTo(2);
    assertThat(run("x\nx\n", f.toString(), "alice")).isEqualTo(1); // no -c and no file
    assertThat(err.toString(UTF_8)).contains("no such file");
  }
}
