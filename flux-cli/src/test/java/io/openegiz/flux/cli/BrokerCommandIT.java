package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flux broker -c FILE} as a real process: a configuration with only Mosquitto keys starts it,
 * mosquitto_pub/mosquitto_sub talk through it, SIGTERM stops it gracefully with exit code 0, and a bad
 * file stops start-up with every error and exit code 2.
 */
class BrokerCommandIT {
  @TempDir
  Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private Process flux(String... args) throws IOException {
    List<String> cmd = new java.util.ArrayList<>(
        List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), FluxCommand.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("flux.log").toFile()).start();
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("flux.log"));
  }

  @Test
  void mosquittoConfigStartsTheBrokerAndSigtermStopsItWithExitZero() throws Exception {
    int port = freePort();
    Path conf = Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
        "# written for Mosquitto 2",
        "pid_file /run/mosquitto/mosquitto.pid",
        "persistence false",
        "log_dest stdout",
        "listener " + port + " 127.0.0.1",
        "allow_anonymous true",
        "max_inflight_messages 100",
        "message_size_limit 262144",
        "persistent_client_expiration 1d", ""));
    Process broker = flux("broker", "-c", conf.toString());
    try {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
          .until(() -> log().contains("listening for MQTT on 127.0.0.1:" + port));
      Process sub = new ProcessBuilder("mosquitto_sub", "-p", String.valueOf(port), "-t", "a/#", "-C", "1", "-W", "10")
          .redirectErrorStream(true).start();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        Process pub = new ProcessBuilder("mosquitto_pub", "-p", String.valueOf(port), "-t", "a/b", "-m", "hello",
            "-q", "1").start();
        pub.waitFor(5, TimeUnit.SECONDS);
        return !sub.isAlive() || sub.waitFor(300, TimeUnit.MILLISECONDS);
      });
      assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("hello");

      broker.destroy(); // SIGTERM
      assertThat(broker.waitFor(15, TimeUnit.SECONDS)).isTrue();
      assertThat(broker.exitValue()).as(log()).isZero();
      assertThat(log()).contains("stopping", "broker stopped");
    } finally {
      broker.destroyForcibly();
    }
  }

  @Test
  void aBadFileStopsStartUpWithEveryErrorAndExitCodeTwo() throws Exception {
    Path conf = Files.writeString(dir.resolve("bad.conf"), "listener 70000\nmax_inflight_messages lots\nfoo bar\n");
    Process p = flux("broker", "-c", conf.toString());
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(2);
    assertThat(log()).contains(conf + ":1: listener: 70000 is out of range", conf + ":2: max_inflight_messages:",
        conf + ":3: foo: unknown key");
  }
}
