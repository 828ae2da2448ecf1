package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of an archiver process mid-stream, several times, while a fleet publishes: every reading a QoS 1
 * subscriber saw ends in InfluxDB exactly once, because a message is acknowledged only after its points are
 * written and the broker's persistent session sends the rest again.
 */
class ArchiverKillIT {
  private static final String DB = "killed";

  @TempDir
  Path tmp;

  @Test
  void killMinusNineMidStreamLosesAndDuplicatesNothing() throws Exception {
    FluxBroker broker = ArchiverIT.plainBroker();
    Files.createDirectories(tmp.resolve("influx"));
    try (InfluxD influx = new InfluxD(tmp.resolve("influx")); Readings readings = new Readings(broker.port())) {
      Path conf = ArchiverProcess.writeConfig(tmp.resolve("archiver.conf"),
          ArchiverIT.settings(broker.port(), influx, DB, tmp.resolve("dead")));
      ArchiverProcess.openSession(broker.port());
      FleetConfig config = ArchiverIT.fleet(broker.port(), 5, "electrical=2,thermal=2,environmental=1", 5);
      try (Fleet fleet = Fleet.start(config)) {
        for (int cycle = 0; cycle < 3; cycle++) {
          int before = Readings.stored(influx, DB).size();
          Process archiver = ArchiverProcess.start(conf, tmp.resolve("archiver-" + cycle + ".log"));
          await().atMost(ArchiverIT.WAIT).until(() -> Readings.stored(influx, DB).size() > before + 30);
          archiver.destroyForcibly(); // SIGKILL, whatever it is doing
          archiver.waitFor();
        }
      }
      Process last = ArchiverProcess.start(conf, tmp.resolve("archiver-3.log"));
      try {
        await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(influx, DB))
            .containsExactlyInAnyOrderElementsOf(readings.seen()));
      } finally {
        last.destroy();
        last.waitFor();
      }
      assertThat(readings.seen()).hasSizeGreaterThan(100);
    } finally {
      broker.close();
    }
  }
}
