package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MosquittoCommands.PUB;
import static io.openegiz.flux.broker.it.MosquittoCommands.SUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.session.Session;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

  @TempDir
  Path tmp;

  @BeforeAll
  static void clientsInstalled() {
    MosquittoCommands.assertInstalled();
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
          MosquittoCommands.run(tmp, PUB, "-h", "127.0.0.1", "-p", port, "-V", version,
              "-i", "mpub-" + version + "-" + i,
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
}
