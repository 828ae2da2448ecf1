package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

  private FluxProcess flux(String... args) throws IOException {
    return FluxProcess.start(dir.resolve("flux.log"), args);
  }

  @Test
  void mosquittoConfigStartsTheBrokerAndSigtermStopsItWithExitZero() throws Exception {
    int port = FluxProcess.freePort();
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
    FluxProcess broker = flux("broker", "-c", conf.toString());
    try {
      broker.awaitLog("listening for MQTT on 127.0.0.1:" + port, java.time.Duration.ofSeconds(30));
      Process sub = new ProcessBuilder("mosquitto_sub", "-p", String.valueOf(port), "-t", "a/#", "-C", "1", "-W", "10")
          .redirectErrorStream(true).start();
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> {
        Process pub = new ProcessBuilder("mosquitto_pub", "-p", String.valueOf(port), "-t", "a/b", "-m", "hello",
            "-q", "1").start();
        pub.waitFor(5, TimeUnit.SECONDS);
        return !sub.isAlive() || sub.waitFor(300, TimeUnit.MILLISECONDS);
      });
      assertThat(new String(sub.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim()).isEqualTo("hello");

      assertThat(broker.terminate(java.time.Duration.ofSeconds(15))).as(broker.output()).isZero();
      assertThat(broker.output()).contains("stopping", "broker stopped");
    } finally {
      broker.close();
    }
  }

  @Test
  void aBadFileStopsStartUpWithEveryErrorAndExitCodeTwo() throws Exception {
    Path conf = Files.writeString(dir.resolve("bad.conf"), "listener 70000\nmax_inflight_messages lots\nfoo bar\n");
    FluxProcess p = flux("broker", "-c", conf.toString());
    assertThat(p.exitCode(java.time.Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(p.output()).contains(conf + ":1: listener: 70000 is out of range", conf + ":2: max_inflight_messages:",
        conf + ":3: foo: unknown key");
  }
}
