package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.fleet.sim.Fleet;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The archiver in-process between a Flux broker and an embedded QuestDB: what lands in the tables, and how. */
class QuestDbArchiverIT {
  private static final String OVEN = "openegiz/factory-a/oven/oven-001/";
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** The day the spec's payloads were made: they are within the 90 days kept. */
  private static final Clock EXAMPLES_DAY = Clock.fixed(Instant.parse("2026-01-29T12:00:00Z"), ZoneOffset.UTC);

  @TempDir
  Path tmp;
  private FluxBroker broker;
  private QuestDb questDb;
  private Archiver archiver;

  @BeforeEach
  void start() {
    broker = ArchiverIT.plainBroker();
    questDb = new QuestDb(tmp.resolve("questdb"));
  }

  @AfterEach
  void stop() {
    if (archiver != null) {
      archiver.close();
    }
    questDb.close();
    broker.close();
  }

  /** The archiver's settings against this test's broker and QuestDB, with the default retention. */
  static List<Setting> settings(int brokerPort, QuestDb db, Path deadLetters) {
    List<Setting> settings = new ArrayList<>();
    Map.of("broker", "tcp://127.0.0.1:" + brokerPort, "questdb_url", db.url().toString(), "dead_letter",
        deadLetters.toString(), "retry_max", "500ms").forEach((k, v) -> settings.add(new Setting("test", k, v)));
    return settings;
  }

  private void startArchiver() {
    startArchiver(Clock.systemUTC());
  }

  private void startArchiverOnTheExamplesDay() {
    startArchiver(EXAMPLES_DAY);
  }

  private void startArchiver(Clock clock) {
    archiver = Archiver.start(ArchiverConfig.parse(settings(broker.port(), questDb, tmp.resolve("dead"))), clock);
    await().atMost(ArchiverIT.WAIT).until(archiver::subscribed);
  }

  private void publish(String topic, byte[]... payloads) {
    Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("it-publisher")
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    client.connect();
    for (byte[] payload : payloads) {
      client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
    }
    client.disconnect();
  }

  private Map<String, String> columnTypes(String table) throws IOException, InterruptedException {
    Map<String, String> types = new TreeMap<>();
    for (JsonNode row : questDb.rows("SELECT \"column\", type FROM table_columns('" + table + "')")) {
      types.put(row.path(0).asString(), row.path(1).asString());
    }
    return types;
  }

  @Test
  void theSpecExamplesLandWithTheDocumentedColumnTypes() throws Exception {
    startArchiverOnTheExamplesDay();
    publish(OVEN + "electrical/telemetry", ArchiverIT.example("electrical"));
    publish(OVEN + "thermal/telemetry", ArchiverIT.example("thermal"));
    publish("openegiz/factory-a/environment/zone-a/ambient/telemetry", ArchiverIT.example("environmental"));
    publish(OVEN + "electrical/status", ArchiverIT.example("status"));
    await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() == 4);

    Map<String, String> tags = Map.of("factory_id", "SYMBOL", "equipment_type", "SYMBOL", "equipment_id", "SYMBOL",
        "sensor_type", "SYMBOL", "device_id", "SYMBOL", "thing_id", "SYMBOL");
    Map<String, String> electrical = new TreeMap<>(tags);
    electrical.putAll(Map.ofEntries(Map.entry("timestamp", "TIMESTAMP"), Map.entry("voltage_a", "DOUBLE"),
        Map.entry("voltage_b", "DOUBLE"), Map.entry("voltage_c", "DOUBLE"), Map.entry("current_a", "DOUBLE"),
        Map.entry("current_b", "DOUBLE"), Map.entry("current_c", "DOUBLE"), Map.entry("power_factor", "DOUBLE"),
        Map.entry("active_power_total", "DOUBLE"), Map.entry("energy_total", "DOUBLE"),
        Map.entry("frequency", "DOUBLE"), Map.entry("rssi", "LONG"), Map.entry("uptime_seconds", "LONG"),
        Map.entry("firmware_version", "VARCHAR")));
    assertThat(columnTypes("electrical")).isEqualTo(electrical);
    assertThat(columnTypes("thermal")).containsAllEntriesOf(tags).containsEntry("zone", "SYMBOL")
        .containsEntry("setpoint", "DOUBLE").containsEntry("heating_active", "BOOLEAN")
        .containsEntry("temperature", "DOUBLE");
    assertThat(columnTypes("device_status")).containsEntry("status", "VARCHAR").containsEntry("free_heap", "LONG")
        .doesNotContainKey("thing_id");

    await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(questDb.rows(
        "SELECT timestamp, zone, temperature FROM thermal WHERE zone IS NOT NULL ORDER BY zone").toString())
        .isEqualTo("[[\"2026-01-29T10:30:00.456000Z\",\"1\",185.0],[\"2026-01-29T10:30:00.456000Z\",\"2\",190.0],"
            + "[\"2026-01-29T10:30:00.456000Z\",\"3\",188.5]]"));
    // co2 is 450 in the JSON, an integer literal: a DOUBLE all the same; sensor_type is the topic's level.
    assertThat(questDb.rows("SELECT co2, sensor_type, equipment_id, rssi FROM environmental").toString())
        .isEqualTo("[[450.0,\"ambient\",\"zone-a\",-70]]");
    assertThat(questDb.rows("SELECT voltage_c, uptime_seconds, firmware_version FROM electrical").toString())
        .isEqualTo("[[221.0,86400,\"1.2.3\"]]");
    assertThat(questDb.rows("SELECT status, free_heap FROM device_status").toString())
        .isEqualTo("[[\"online\",45000]]");
  }

  @Test
  void aReadingOlderThanTheRawRetentionIsDeadLetteredNotDroppedByTheTtl() throws Exception {
    startArchiver(); // today: the spec's payload of 2026-01-29 is more than 90 days old
    publish(OVEN + "electrical/telemetry", ArchiverIT.example("electrical"));
    await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() == 1);

    JsonNode dead = JSON.readTree(Files.readString(tmp.resolve("dead").resolve("dead-letters.jsonl")));
    assertThat(dead.path("reason").asString()).startsWith("older than retention_raw (2026-01-29T10:30:00.123Z is "
        + "before ").endsWith("): QuestDB's TTL would drop it at once; not archived");
    assertThat(archiver.metrics().pointsWritten()).isZero();
  }

  @Test
  void withNoDatabaseKeyTheArchiverRunsItsOwnQuestDbUnderTheDataDirectoryAndStopsIt() throws Exception {
    Path data = tmp.resolve("data");
    QuestDb embedded;
    try (Archiver own = Archiver.start(ArchiverConfig.parse(List.of(
        new Setting("test", "broker", "tcp://127.0.0.1:" + broker.port()), new Setting("--data", "data_dir",
            data.toString()),
        new Setting("--questdb-port", "questdb_port", "0"))), EXAMPLES_DAY)) {
      await().atMost(ArchiverIT.WAIT).until(own::subscribed);
      publish(OVEN + "electrical/telemetry", ArchiverIT.example("electrical"));
      embedded = new QuestDb(own.embeddedQuestDb().orElseThrow());
      await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.stored(embedded))
          .containsExactly("esp32-oven001-elec@1769682600123"));
      assertThat(data.resolve("questdb").resolve("db"))
          .isDirectoryContaining(p -> p.getFileName().toString().startsWith("electrical"));
      assertThat(data.resolve("dead-letters")).isDirectory();
    }
    assertThatThrownBy(() -> embedded.exec("SELECT 1")).isInstanceOf(ConnectException.class); // stopped with it
  }

  @Test
  void everyReadingASubscriberSawIsStoredExactlyOnce() throws Exception {
    startArchiver();
    try (Readings readings = new Readings(broker.port())) {
      try (Fleet fleet = Fleet.start(ArchiverIT.fleet(broker.port(), 5, "electrical=2,thermal=2,environmental=1",
          3))) {
        await().atMost(ArchiverIT.WAIT).until(() -> readings.seen().size() >= 150);
      }
      await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(questDb))
          .containsExactlyInAnyOrderElementsOf(readings.seen()));
    }
    assertThat(archiver.metrics().deadLetters()).isZero();
  }

  @Test
  void aBatchWithOneConflictingLineWritesTheOthersAndDeadLettersItWithQuestDbsError() throws Exception {
    // energy_total made a LONG by someone before the archiver: 12.5 cannot be cast to it without loss.
    questDb.exec("CREATE TABLE electrical (timestamp TIMESTAMP, device_id SYMBOL, energy_total LONG) "
        + "TIMESTAMP(timestamp) PARTITION BY DAY WAL");
    startArchiverOnTheExamplesDay();
    String example = new String(ArchiverIT.example("electrical"), StandardCharsets.UTF_8);
    byte[] conflicting = example.replace("\"frequency\"", "\"energy\": {\"total\": 12.5, \"unit\": \"kWh\"}, "
        + "\"frequency\"").replace("10:30:00.123Z", "10:30:01.000Z").getBytes(StandardCharsets.UTF_8);
    byte[] later = example.replace("10:30:00.123Z", "10:30:02.000Z").getBytes(StandardCharsets.UTF_8);
    publish(OVEN + "electrical/telemetry", example.getBytes(StandardCharsets.UTF_8), conflicting, later,
        ArchiverIT.example("thermal"));
    await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() == 4);

    List<JsonNode> dead = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("dead").resolve("dead-letters.jsonl"))) {
      dead.add(JSON.readTree(line));
    }
    assertThat(dead).singleElement().satisfies(d -> {
      assertThat(d.path("reason").asString()).startsWith("database refused the point: 400 ")
          .contains("cast error from protocol type: FLOAT to column type: LONG");
      assertThat(d.path("line").asString()).contains("energy_total=12.5").endsWith(" 1769682601000");
      assertThat(d.path("payload").asString()).contains("10:30:01.000Z");
    });
    await().atMost(ArchiverIT.WAIT).untilAsserted(() -> assertThat(Readings.stored(questDb))
        .containsExactlyInAnyOrder("esp32-oven001-elec@1769682600123", "esp32-oven001-elec@1769682602000",
            "esp32-oven001-therm@1769682600456"));
  }
}
