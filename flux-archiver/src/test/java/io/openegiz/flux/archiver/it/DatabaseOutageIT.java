package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.fleet.sim.Fleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "database stopped for 60 s": influxd killed with SIGKILL while a fleet publishes through a Flux broker
 * with its defaults, and started again on the same data directory and ports a minute later. Slow on purpose (about
 * 80 s): the minute is the requirement.
 */
class DatabaseOutageIT {
  private static final String DB = "outage";
  private static final Duration OUTAGE = Duration.ofSeconds(60);
  private static final Pattern BACK = Pattern.compile("database back after (\\d+) s and (\\d+) retries");
  private static final Pattern RETRIES = Pattern.compile("retries ([\\d,]+)");

  @TempDir
  Path tmp;

  @Test
  void aMinuteWithoutTheDatabaseLosesAndDuplicatesNothing() throws Exception {
    FluxBroker broker = ArchiverIT.plainBroker();
    Files.createDirectories(tmp.resolve("influx"));
    Path log = tmp.resolve("archiver.log");
    try (InfluxD influx = new InfluxD(tmp.resolve("influx")); Readings readings = new Readings(broker.port())) {
      Path conf = ArchiverProcess.writeConfig(tmp.resolve("archiver.conf"),
          ArchiverIT.settings(broker.port(), influx, DB, tmp.resolve("dead")));
      Process archiver = ArchiverProcess.start(conf, log);
      try {
        await().atMost(ArchiverIT.WAIT).until(() -> text(log).contains("subscribed to"));
        try (Fleet fleet = Fleet.start(ArchiverIT.fleet(broker.port(), 5, "electrical=2,thermal=2,environmental=1",
            13))) {
          await().atMost(ArchiverIT.WAIT).until(() -> Readings.stored(influx, DB).size() > 50);
          influx.kill();
          Instant down = Instant.now();
          // The archiver holds what it has, the broker queues for it and then holds the devices back, the devices
          // buffer: a minute of that, with the archiver alive all along.
          await().during(OUTAGE).atMost(OUTAGE.plusSeconds(15)).until(archiver::isAlive);
          assertThat(lastRetries(log)).as("write retries while the database is down").isPositive();
          influx.start();
          Instant up = Instant.now();
          await().atMost(ArchiverIT.WAIT).until(() -> text(log).contains("database back after"));
          // The devices' buffers empty once the broker reads them again.
          await().atMost(ArchiverIT.WAIT).until(() -> fleet.snapshot().buffered() == 0);
          assertThat(fleet.snapshot().dropped()).isZero();
          assertThat(readings.seen().stream().filter(key -> between(key, down, up)).count())
              .as("readings taken while the database was down").isGreaterThan(2_000);
        }
        await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(influx, DB))
            .containsExactlyInAnyOrderElementsOf(readings.seen()));
        await().atMost(ArchiverIT.WAIT).until(() -> text(log).contains("caught up:"));
      } finally {
        archiver.destroy();
        archiver.waitFor();
      }
      Matcher back = BACK.matcher(text(log));
      assertThat(back.find()).isTrue();
      assertThat(Long.parseLong(back.group(1))).isGreaterThanOrEqualTo(OUTAGE.toSeconds() - 1);
      assertThat(Long.parseLong(back.group(2))).isPositive();
    } finally {
      broker.close();
    }
  }

  private static boolean between(String key, Instant from, Instant to) {
    long ms = Readings.millis(key);
    return ms >= from.toEpochMilli() && ms < to.toEpochMilli();
  }

  /** The retries of the archiver's latest progress line. */
  private static long lastRetries(Path log) throws IOException {
    List<String> lines = text(log).lines().filter(l -> l.startsWith("archive: ")).toList();
    Matcher m = RETRIES.matcher(lines.isEmpty() ? "" : lines.getLast());
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : 0;
  }

  private static String text(Path log) throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }
}
