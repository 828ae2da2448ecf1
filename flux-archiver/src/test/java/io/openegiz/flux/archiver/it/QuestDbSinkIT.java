package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.sink.QuestDbSink;
import io.openegiz.flux.archiver.sink.Retention;
import io.openegiz.flux.archiver.sink.WriteResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** QuestDbSink against an embedded QuestDB: the tables it makes, deduplication, TTL and the 1-minute views. */
class QuestDbSinkIT {
  private static final String TAGS = ",device_id=d1,equipment_id=oven-001,equipment_type=oven,factory_id=f,"
      + "sensor_type=electrical,thing_id=t";

  @TempDir
  Path tmp;
  private QuestDb db;

  @BeforeEach
  void start() {
    db = new QuestDb(tmp);
  }

  @AfterEach
  void stop() {
    db.close();
  }

  private QuestDbSink sink(Retention retention) {
    QuestDbSink sink = new QuestDbSink(db.url(), Duration.ofSeconds(10), retention);
    assertThat(sink.prepare()).isEmpty();
    return sink;
  }

  @Test
  void aPointWrittenTwiceIsStoredOnceAndAZonePointDoesNotReplaceAnother() throws Exception {
    QuestDbSink sink = sink(Retention.defaults());
    long now = Instant.now().toEpochMilli();
    List<String> batch = List.of("electrical" + TAGS + " voltage_a=220.5 " + now,
        "thermal" + TAGS.replace("electrical", "thermal") + ",zone=1 temperature=185.0 " + now,
        "thermal" + TAGS.replace("electrical", "thermal") + ",zone=2 temperature=190.0 " + now);
    assertThat(sink.write(batch)).isInstanceOf(WriteResult.Written.class);
    assertThat(sink.write(batch)).isInstanceOf(WriteResult.Written.class); // a redelivery after kill -9

    await().atMost(ArchiverIT.WAIT).untilAsserted(() -> {
      assertThat(db.number("SELECT count() FROM electrical")).isEqualTo(1);
      assertThat(db.number("SELECT count() FROM thermal")).isEqualTo(2);
    });
  }

  @Test
  void rawTablesKeepNinetyDaysAndTheViewsAYearOfOneMinuteMeanMinAndMax() throws Exception {
    QuestDbSink sink = sink(Retention.defaults());
    assertThat(db.rows("SELECT table_name, ttlValue, ttlUnit, dedup FROM tables() WHERE table_name IN "
        + "('electrical', 'thermal', 'environmental', 'device_status') ORDER BY table_name").toString())
        .isEqualTo("[[\"device_status\",90,\"DAY\",true],[\"electrical\",90,\"DAY\",true],"
            + "[\"environmental\",90,\"DAY\",true],[\"thermal\",90,\"DAY\",true]]");
    assertThat(db.rows("SELECT table_name, ttlValue, ttlUnit FROM tables() WHERE table_name LIKE '%_1m' "
        + "ORDER BY table_name").toString()).isEqualTo("[[\"device_status_1m\",365,\"DAY\"],"
            + "[\"electrical_1m\",365,\"DAY\"],[\"environmental_1m\",365,\"DAY\"],[\"thermal_1m\",365,\"DAY\"]]");

    long minute = Instant.now().truncatedTo(ChronoUnit.MINUTES).toEpochMilli();
    assertThat(sink.write(List.of("electrical" + TAGS + " voltage_a=220.5,rssi=-60i " + (minute + 1000),
        "electrical" + TAGS + " voltage_a=230.0,rssi=-70i " + (minute + 2000),
        "electrical" + TAGS + " voltage_a=100.0,rssi=-50i " + (minute + 60_000)))).isInstanceOf(
            WriteResult.Written.class);
    db.exec("REFRESH MATERIALIZED VIEW electrical_1m INCREMENTAL");
    await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(db.rows(
        "SELECT mean_voltage_a, min_voltage_a, max_voltage_a, mean_rssi, device_id FROM electrical_1m "
            + "ORDER BY timestamp")
        .toString())
        .isEqualTo("[[225.25,220.5,230.0,-65.0,\"d1\"],[100.0,100.0,100.0,-50.0,\"d1\"]]"));
  }

  @Test
  void aChangedRetentionIsAppliedAtTheNextStart() throws Exception {
    sink(Retention.defaults());
    sink(new Retention(Duration.ofDays(30), Duration.ofDays(730), Duration.ofMinutes(1)));

    assertThat(db.rows("SELECT ttlValue, ttlUnit FROM tables() WHERE table_name IN ('electrical', 'electrical_1m') "
        + "ORDER BY table_name").toString()).isEqualTo("[[30,\"DAY\"],[730,\"DAY\"]]");
  }

  @Test
  void aRefusedLineGetsQuestDbsErrorAndTheTablesGoodLinesOfThatRequestAreNotKept() throws Exception {
    QuestDbSink sink = sink(null);
    long now = Instant.now().toEpochMilli();
    WriteResult result = sink.write(List.of("electrical" + TAGS + " voltage_a=1.0 " + now,
        "electrical" + TAGS + " voltage_a=\"high\" " + (now + 1), "environmental" + TAGS + " co2=400.0 " + now));

    assertThat(result).isInstanceOfSatisfying(WriteResult.Rejected.class, r -> {
      assertThat(r.status()).isEqualTo(400);
      assertThat(r.error()).contains("error in line 2: table: electrical, column: voltage_a; cast error");
    });
    await().atMost(ArchiverIT.WAIT).until(() -> db.number("SELECT count() FROM environmental") == 1);
    // QuestDB refuses the whole request of a table: the pipeline's bisection writes the good line again alone.
    assertThat(db.number("SELECT count() FROM electrical")).isZero();
  }
}
