package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.session.Session;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Mosquitto command-line clients (Debian package mosquitto-clients) talk to Flux:
 * mosquitto_sub receives what mosquitto_pub publishes, with MQTT 5 and 3.1.1.
 */
class MosquittoClientsIT {
  private static final String SUB = "/usr/bin/mosquitto_sub";
  private static final String PUB = "/usr/bin/mosquitto_pub";

  @TempDir
  Path tmp;

  @BeforeAll
  static void clientsInstalled() {
    // CI installs mosquitto-clients; fail loudly rather than skip if it is missing there.
    assertThat(new File(SUB).canExecute()).as("mosquitto_sub (apt-get install mosquitto-clients)").isTrue();
    assertThat(new File(PUB).canExecute()).as("mosquitto_pub (apt-get install mosquitto-clients)").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"mqttv5", "mqttv311"})
  void mosquittoSubReceivesWhatMosquittoPubPublishes(String version) throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      String port = Integer.toString(broker.port());
      String subId = "msub-" + version;
      Path out = tmp.resolve("sub.out");
      Path err = tmp.resolve("sub.err");
      Process sub = new ProcessBuilder(SUB, "-h", "127.0.0.1", "-p", port, "-V", version, "-i", subId,
          "-t", "mosq/" + version + "/#", "-q", "1", "-C", "3", "-v", "-W", "10")
          .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      try {
        // Publish only once the subscription is in place.
        await().atMost(Duration.ofSeconds(5)).until(() -> {
          Session s = broker.broker().context().sessions().get(subId);
          return s != null && !s.subscriptions().isEmpty();
        });
        for (int i = 1; i <= 3; i++) {
          run(PUB, "-h", "127.0.0.1", "-p", port, "-V", version, "-i", "mpub-" + version + "-" + i,
              "-t", "mosq/" + version + "/n" + i, "-q", Integer.toString(i % 2 + 1), "-m", "message " + i);
        }
        assertThat(sub.waitFor(10, TimeUnit.SECONDS)).as("mosquitto_sub exits after 3 messages").isTrue();
        assertThat(sub.exitValue()).as(Files.readString(err)).isZero();
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertThat(lines).containsExactly(
            "mosq/" + version + "/n1 message 1",
            "mosq/" + version + "/n2 message 2",
            "mosq/" + version + "/n3 message 3");
      } finally {
        sub.destroyForcibly();
      }
    }
  }

  private void run(String... command) throws IOException, InterruptedException {
    Path err = tmp.resolve("pub.err");
    Process p = new ProcessBuilder(new ArrayList<>(List.of(command))).redirectErrorStream(true)
        .redirectOutput(err.toFile()).start();
    try {
      assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("%s finishes", String.join(" ", command)).isTrue();
      assertThat(p.exitValue()).as(Files.readString(err)).isZero();
    } finally {
      p.destroyForcibly();
    }
  }
}
