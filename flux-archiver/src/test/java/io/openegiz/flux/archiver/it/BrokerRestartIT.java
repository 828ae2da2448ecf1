package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.fleet.sim.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Flux broker with persistence on, closed and started again on the same port and store while a fleet publishes
 * and the archiver writes: the archiver's session, its queue and its unacknowledged messages survive.
 */
class BrokerRestartIT {
  private static final String DB = "restart";

  @TempDir
  Path tmp;
  private FluxBroker broker;

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.close();
    }
  }

  private FluxBroker persistentBroker(int port) {
    return FluxBroker.builder(BrokerConfig.builder().listener(port, "127.0.0.1").persistence(true)
        .persistenceLocation(tmp.resolve("store")).build()).build().start();
  }

  @Test
  void aBrokerRestartMidStreamLosesAndDuplicatesNothing() throws Exception {
    broker = persistentBroker(0);
    int port = broker.port();
    Files.createDirectories(tmp.resolve("influx"));
    try (InfluxD influx = new InfluxD(tmp.resolve("influx"));
        Readings readings = new Readings(port, true);
        Archiver archiver = Archiver.start(ArchiverConfig.parse(ArchiverIT.settings(port, influx, DB,
            tmp.resolve("dead"))))) {
      await().atMost(ArchiverIT.WAIT).until(archiver::subscribed);
      try (Fleet fleet = Fleet.start(ArchiverIT.fleet(port, 5, "electrical=2,thermal=2,environmental=1", 17))) {
        await().atMost(ArchiverIT.WAIT).until(() -> Readings.stored(influx, DB).size() > 100);
        long down = System.currentTimeMillis();
        broker.close();
        broker = persistentBroker(port);
        long up = System.currentTimeMillis();
        long acked = archiver.metrics().messagesAcked();
        // Flowing again through the new broker, and the devices have sent what they buffered meanwhile.
        await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() > acked + 200
            && fleet.snapshot().connected() == 5 && fleet.snapshot().buffered() == 0);
        assertThat(fleet.snapshot().dropped()).isZero();
        assertThat(readings.seen()).as("readings taken while the broker was down, sent when it was back")
            .anyMatch(key -> Readings.millis(key) >= down && Readings.millis(key) < up);
      }
      await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(influx, DB))
          .containsExactlyInAnyOrderElementsOf(readings.seen()));
      assertThat(archiver.metrics().deadLetters()).isZero();
      assertThat(readings.seen()).hasSizeGreaterThan(200);
    }
  }
}
