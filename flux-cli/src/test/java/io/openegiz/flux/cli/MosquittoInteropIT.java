package io.openegiz.flux.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Files written by {@code flux passwd} are accepted by a real Mosquitto broker (CI installs mosquitto). */
class MosquittoInteropIT {
  @TempDir
  Path dir;

  @Test
  void mosquittoAcceptsFluxWrittenPasswords() throws Exception {
    Path pw = dir.resolve("passwd");
    assertThat(new CommandLine(new PasswdCommand()).execute("-c", "-b", pw.toString(), "oven-001", "s3cret ü"))
        .isZero();
    assertThat(new CommandLine(new PasswdCommand()).execute("-I", "210000", "-b", pw.toString(), "admin", "long"))
        .isZero();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    Path conf = dir.resolve("mosquitto.conf");
    // `user`: as root Mosquitto would otherwise switch to "mosquitto", who cannot read a 0600 file.
    Files.writeString(conf, "listener " + port + " 127.0.0.1\nallow_anonymous false\npassword_file " + pw
        + "\nuser " + System.getProperty("user.name") + "\n");
    Process broker = new ProcessBuilder("mosquitto", "-c", conf.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
    try {
      int p = port;
      await().atMost(Duration.ofSeconds(10)).until(() -> listening(p));
      assertThat(pub(port, "oven-001", "s3cret ü")).isZero();
      assertThat(pub(port, "admin", "long")).isZero();
      assertThat(pub(port, "oven-001", "s3cret")).isNotZero();
      assertThat(pub(port, "nobody", "s3cret ü")).isNotZero();
    } finally {
      broker.destroy();
      broker.waitFor(10, TimeUnit.SECONDS);
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int pub(int port, String user, String password) throws Exception {
    Process p = new ProcessBuilder(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", "" + port, "-V", "mqttv311",
        "-u", user, "-P", password, "-t", "t", "-m", "x")).redirectErrorStream(true).start();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    new String(p.getInputStream().readAllBytes(), UTF_8);
    return p.exitValue();
  }
}
