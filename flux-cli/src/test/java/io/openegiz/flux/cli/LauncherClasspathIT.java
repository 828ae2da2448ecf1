package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs commands with the classpath the {@code ./flux} launcher uses — {@code target/flux-cli.jar} and
 * {@code target/lib/*}, the runtime dependencies only — not the test classpath, which hid a dependency in test
 * scope ({@code NoClassDefFoundError: com/hivemq/client/mqtt/MqttClient} from {@code flux fleet}, issue 9).
 */
class LauncherClasspathIT {
  @TempDir
  Path tmp;

  private Process flux(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", "target/flux-cli.jar:target/lib/*", FluxCommand.class.getName()));
    cmd.addAll(List.of(args));
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  @Test
  void fleetAndArchiveRunFromTheLaunchersClasspath() throws Exception {
    FluxBroker broker = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build().start();
    try {
      String port = Integer.toString(broker.port());
      Path archiveLog = tmp.resolve("archive.log");
      int closedPort;
      try (ServerSocket s = new ServerSocket(0)) {
        closedPort = s.getLocalPort();
      }
      Process archive = flux(archiveLog, "archive", "--broker", "tcp://127.0.0.1:" + port, "--influx-url",
          "http://127.0.0.1:" + closedPort, "--db", "smoke", "--dead-letter", tmp.resolve("dl").toString(),
          "--progress");
      try {
        Path fleetLog = tmp.resolve("fleet.log");
        Process fleet = flux(fleetLog, "fleet", "--port", port, "--devices", "2", "--rate", "5", "--duration", "2");
        assertThat(fleet.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(fleet.exitValue()).as(Files.readString(fleetLog)).isZero();
        // The database is down: the archiver holds what it received and says so, it does not fail.
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(archiveLog).contains("retrying in"));
        assertThat(archive.isAlive()).as(Files.readString(archiveLog)).isTrue();
        archive.destroy();
        assertThat(archive.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(archiveLog)).contains("flux archive: stopping").doesNotContain("Exception in");
      } finally {
        archive.destroyForcibly();
      }
    } finally {
      broker.close();
    }
  }
}
