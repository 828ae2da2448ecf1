package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.fleet.ota.OtaKeys;
import io.openegiz.flux.fleet.ota.SignedManifest;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code flux ota keygen} and {@code flux ota sign} as an operator types them, and their refusals. */
class OtaCommandTest {
  @TempDir
  Path dir;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int ota(String... args) {
    CommandLine cl = new CommandLine(new FluxCommand());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "ota";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  @Test
  void keygenThenSignWritesAManifestThatVerifiesWithThePublicKey() throws Exception {
    Path keys = dir.resolve("keys");
    assertThat(ota("keygen", "--dir", keys.toString())).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(OtaKeys.PRIVATE_FILE))))
        .isEqualTo("rw-------");
    Path image = dir.resolve("fw.bin");
    Files.write(image, new byte[] {1, 2, 3});
    assertThat(ota("sign", "--image", image.toString(), "--model", "esp32-thermal", "--version", "2.0.0-rc.1",
        "--key", keys.resolve(OtaKeys.PRIVATE_FILE).toString())).isZero();
    SignedManifest signed = SignedManifest.read(Path.of(image + ".manifest.json"));
    assertThat(new String(signed.bytes())).isEqualTo("{\"model\":\"esp32-thermal\",\"version\":\"2.0.0-rc.1\","
        + "\"size\":3,\"sha256\":\"039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81\"}");
    assertThat(signed.verifies(OtaKeys.readPublic(keys.resolve(OtaKeys.PUBLIC_FILE)))).isTrue();
    assertThat(out.toString()).contains("wrote " + image + ".manifest.json and " + image + ".manifest.sig");
  }

  @Test
  void badInputIsRefusedSayingWhatIsAccepted() throws Exception {
    Path image = dir.resolve("fw.bin");
    Files.write(image, new byte[0]);
    assertThat(ota("sign", "--image", image.toString(), "--model", "ESP32", "--version", "v1", "--key",
        dir.resolve("none.key").toString())).isEqualTo(1);
    assertThat(err.toString()).isEqualTo("flux ota sign: --model: \"ESP32\" is not 1 to 64 characters of a-z, 0-9,"
        + " '-' and '_' (e.g. esp32-electrical); --version: \"v1\" is not a semantic version of at most 32"
        + " characters such as 1.3.0; --image: " + image + " has 0 bytes; accepted: 1 to 4294967295"
        + System.lineSeparator());
    err.getBuffer().setLength(0);
    Files.write(image, new byte[] {1});
    assertThat(ota("sign", "--image", image.toString(), "--model", "m", "--version", "1.0.0", "--key",
        dir.resolve("none.key").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("none.key: no such file; accepted: a PKCS#8 PEM EC P-256 private key");
    assertThat(ota("sign", "--image", image.toString())).isEqualTo(2);
    assertThat(ota("rollout", "--manifest", image.toString(), "--url", "https://h/fw.bin", "--all")).isEqualTo(1);
    assertThat(err.toString()).contains("--manifest: " + image + " does not end in .manifest.json");
  }
}
