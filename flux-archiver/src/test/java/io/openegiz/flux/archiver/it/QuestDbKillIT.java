package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.sink.QuestDbSink;
import io.openegiz.flux.archiver.sink.Retention;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.fleet.sim.Fleet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of an archiver process writing to QuestDB, several times mid-stream: what the killed archiver had
 * written but not acknowledged comes again from the broker and is written again, and the tables' {@code DEDUP
 * UPSERT KEYS} keep one row of it; every reading a QoS 1 subscriber saw is stored exactly once.
 */
class QuestDbKillIT {
  @TempDir
  Path tmp;

  @Test
  void killMinusNineMidStreamLosesAndDuplicatesNothing() throws Exception {
    FluxBroker broker = ArchiverIT.plainBroker();
    try (QuestDb questDb = new QuestDb(tmp.resolve("questdb")); Readings readings = new Readings(broker.port())) {
      Path conf = tmp.resolve("archiver.conf");
      Files.writeString(conf, QuestDbArchiverIT.settings(broker.port(), questDb, tmp.resolve("dead")).stream()
          .map(s -> s.key() + " " + s.value()).collect(Collectors.joining("\n", "", "\n")));
      ArchiverProcess.openSession(broker.port());
      // The tables as the archiver makes them, so that they can be counted before its first write.
      new QuestDbSink(questDb.url(), Duration.ofSeconds(10), Retention.defaults()).prepare();
      try (Fleet fleet = Fleet.start(ArchiverIT.fleet(broker.port(), 5, "electrical=2,thermal=2,environmental=1",
          5))) {
        for (int cycle = 0; cycle < 3; cycle++) {
          int before = Readings.stored(questDb).size();
          Process archiver = ArchiverProcess.start(conf, tmp.resolve("archiver-" + cycle + ".log"));
          await().atMost(ArchiverIT.WAIT).until(() -> Readings.stored(questDb).size() > before + 30);
          archiver.destroyForcibly(); // SIGKILL, whatever it is doing
          archiver.waitFor();
        }
      }
      Process last = ArchiverProcess.start(conf, tmp.resolve("archiver-3.log"));
      try {
        await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(questDb))
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
