package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.SensorMix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

/** The archiver in-process between a Flux broker and a real influxd: what reaches the database, and how. */
class ArchiverIT {
  static final Duration WAIT = Duration.ofSeconds(30);
  private static final String DB = "telemetry";
  private static final String OVEN = "openegiz/factory-a/oven/oven-001/";
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir
  Path tmp;
  private FluxBroker broker;
  private InfluxD influx;
  private Archiver archiver;

  @BeforeEach
  void start() throws IOException {
    broker = plainBroker();
    Files.createDirectories(tmp.resolve("influx"));
    influx = new InfluxD(tmp.resolve("influx"));
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (archiver != null) {
      archiver.close();
    }
    influx.close();
    broker.close();
  }

  static List<Setting> settings(int brokerPort, InfluxD influx, String db, Path deadLetters) {
    List<Setting> settings = new ArrayList<>();
    // Retention off: the spec's example payloads are older than the 90 days a raw retention policy keeps.
    Map<String, String> keys = Map.of("broker", "tcp://127.0.0.1:" + brokerPort, "influx_url",
        influx.url().toString(), "db", db, "dead_letter", deadLetters.toString(), "retry_max", "500ms",
        "retention", "off");
    keys.forEach((k, v) -> settings.add(new Setting("test", k, v)));
    return settings;
  }

  private void startArchiver() {
    archiver = Archiver.start(ArchiverConfig.parse(settings(broker.port(), influx, DB, tmp.resolve("dead"))));
    await().atMost(WAIT).until(archiver::subscribed);
  }

  private Mqtt5BlockingClient publisher() {
    Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("it-publisher")
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    client.connect();
    return client;
  }

  private static void publish(Mqtt5BlockingClient client, String topic, byte[] payload) {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
  }

  static byte[] example(String name) throws IOException {
    return Files.readAllBytes(Path.of("../flux-telemetry/src/test/resources/examples/spec-" + name + ".json"));
  }

  /** A fleet publishing every 100 ms with short timings, for the tests of this package. */
  static FleetConfig fleet(int port, int devices, String mix, long seed) {
    return FleetConfig.defaults("127.0.0.1", port, devices).withInterval(Duration.ofMillis(100))
        .withIdentity("factory-a", SensorMix.parse(mix), seed)
        .withTiming(Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500)).withConnectRate(1000);
  }

  private static FleetConfig fleet(int port) {
    return fleet(port, 5, "electrical=2,thermal=2,environmental=1", 3);
  }

  /** A plain in-process Flux broker on a free loopback port. */
  static FluxBroker plainBroker() {
    return FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build().start();
  }

  private Map<String, String> fieldTypes(String measurement) throws IOException, InterruptedException {
    Map<String, String> types = new TreeMap<>();
    for (JsonNode row : influx.rows(DB, "SHOW FIELD KEYS FROM " + measurement)) {
      types.put(row.path(0).asString(), row.path(1).asString());
    }
    return types;
  }

  private List<String> tagKeys(String measurement) throws IOException, InterruptedException {
    return influx.rows(DB, "SHOW TAG KEYS FROM " + measurement).stream().map(r -> r.path(0).asString()).toList();
  }

  @Test
  void theSpecExamplesLandWithTheDocumentedTypesAndTags() throws Exception {
    startArchiver();
    Mqtt5BlockingClient client = publisher();
    publish(client, OVEN + "electrical/telemetry", example("electrical"));
    publish(client, OVEN + "thermal/telemetry", example("thermal"));
    publish(client, "openegiz/factory-a/environment/zone-a/ambient/telemetry", example("environmental"));
    publish(client, OVEN + "electrical/status", example("status"));
    client.disconnect();
    await().atMost(WAIT).until(() -> archiver.metrics().messagesAcked() == 4);

    List<String> deviceTags = List.of("device_id", "equipment_id", "equipment_type", "factory_id", "sensor_type",
        "thing_id");
    assertThat(fieldTypes("electrical")).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("voltage_a", "float"), Map.entry("voltage_b", "float"), Map.entry("voltage_c", "float"),
        Map.entry("current_a", "float"), Map.entry("current_b", "float"), Map.entry("current_c", "float"),
        Map.entry("power_factor", "float"), Map.entry("active_power_total", "float"),
        Map.entry("frequency", "float"), Map.entry("rssi", "integer"), Map.entry("uptime_seconds", "integer"),
        Map.entry("firmware_version", "string")));
    assertThat(tagKeys("electrical")).containsExactlyElementsOf(deviceTags);
    assertThat(fieldTypes("thermal")).containsExactlyInAnyOrderEntriesOf(Map.of("setpoint", "float",
        "heating_active", "boolean", "temperature", "float", "rssi", "integer", "firmware_version", "string"));
    assertThat(tagKeys("thermal")).containsExactlyInAnyOrder("device_id", "equipment_id", "equipment_type",
        "factory_id", "sensor_type", "thing_id", "zone");
    // co2 is 450 in the JSON, an integer literal: stored as a float all the same.
    assertThat(fieldTypes("environmental")).containsEntry("co2", "float").containsEntry("humidity", "float");
    assertThat(fieldTypes("device_status")).containsEntry("status", "string").containsEntry("free_heap", "integer");
    assertThat(tagKeys("device_status")).containsExactly("device_id", "equipment_id", "equipment_type",
        "factory_id", "sensor_type");

    assertThat(influx.rows(DB, "SELECT zone, temperature FROM thermal WHERE zone != ''"))
        .extracting(r -> r.path(0).asLong() + " " + r.path(1).asString() + " " + r.path(2).asDouble())
        .containsExactlyInAnyOrder("1769682600456 1 185.0", "1769682600456 2 190.0", "1769682600456 3 188.5");
    assertThat(influx.rows(DB, "SELECT co2, sensor_type, equipment_id FROM environmental"))
        .extracting(r -> r.path(0).asLong() + " " + r.path(1).asDouble() + " " + r.path(2).asString() + " "
            + r.path(3).asString())
        .containsExactly("1769682600789 450.0 ambient zone-a");
  }

  @Test
  void everyReadingASubscriberSawIsStoredExactlyOnce() throws Exception {
    startArchiver();
    try (Readings readings = new Readings(broker.port())) {
      try (Fleet fleet = Fleet.start(fleet(broker.port()))) {
        await().atMost(WAIT).until(() -> readings.seen().size() >= 100);
      }
      assertStoredExactlyOnce(readings);
    }
    assertThat(archiver.metrics().deadLetters()).isZero();
  }

  @Test
  void influxStoppedForSecondsThenBackLosesNothing() throws Exception {
    startArchiver();
    try (Readings readings = new Readings(broker.port())) {
      try (Fleet fleet = Fleet.start(fleet(broker.port()))) {
        await().atMost(WAIT).until(() -> archiver.metrics().pointsWritten() > 50);
        influx.stop();
        long seenAtStop = readings.seen().size();
        // The archiver keeps retrying and holds what it received; the broker keeps the rest.
        await().atMost(WAIT).until(() -> archiver.metrics().retries() >= 3 && readings.seen().size() > seenAtStop + 50);
        assertThat(archiver.metrics().pointsInFlight()).isPositive();
        influx.start();
        await().atMost(WAIT).until(() -> readings.seen().size() > seenAtStop + 100);
      }
      assertStoredExactlyOnce(readings);
    }
  }

  private void assertStoredExactlyOnce(Readings readings) {
    // Once the fleet has stopped, the yardstick's set is final; wait until the archiver has caught up with it.
    await().atMost(WAIT).untilAsserted(() -> assertThat(Readings.storedOnce(influx, DB))
        .containsExactlyInAnyOrderElementsOf(readings.seen()));
  }

  @Test
  void afterABrokerRestartTheArchiverSubscribesAgainAndCarriesOn() throws Exception {
    startArchiver();
    Mqtt5BlockingClient client = publisher();
    publish(client, OVEN + "electrical/telemetry", example("electrical"));
    client.disconnect();
    await().atMost(WAIT).until(() -> archiver.metrics().messagesAcked() == 1);

    // A broker without persistence forgets the session: a new SUBSCRIBE on the new connection brings messages back
    // (the archiver subscribes on every connection; the HiveMQ client would also resubscribe a lost session).
    int port = broker.port();
    broker.close();
    broker = FluxBroker.builder(BrokerConfig.builder().listener(port, "127.0.0.1").build()).build().start();
    await().atMost(WAIT).until(archiver::connected);
    await().atMost(WAIT).untilAsserted(() -> {
      Mqtt5BlockingClient again = publisher();
      publish(again, OVEN + "thermal/telemetry", example("thermal"));
      again.disconnect();
      assertThat(archiver.metrics().messagesAcked()).isGreaterThanOrEqualTo(2);
    });
    assertThat(Readings.stored(influx, DB)).containsExactlyInAnyOrder("esp32-oven001-elec@1769682600123",
        "esp32-oven001-therm@1769682600456");
  }

  @Test
  void badMessagesAndARefusedPointGoToTheDeadLettersAndTheRestIsWritten() throws Exception {
    startArchiver();
    // An integer voltage_a in the 2020 shard: a float voltage_a there is a field type conflict (400 partial write).
    assertThat(influx.write(DB, "electrical,device_id=seed voltage_a=1i 1577836800000")).isEqualTo(204);
    String electrical = new String(example("electrical"), StandardCharsets.UTF_8);
    byte[] conflicting = electrical.replace("2026-01-29T10:30:00.123Z", "2020-01-01T00:00:00.000Z")
        .getBytes(StandardCharsets.UTF_8);
    byte[] wrongField = electrical.replace("\"rssi\": -65", "\"rssi\": \"weak\"").getBytes(StandardCharsets.UTF_8);
    Mqtt5BlockingClient client = publisher();
    publish(client, OVEN + "electrical/telemetry", example("electrical"));
    publish(client, OVEN + "electrical/telemetry", conflicting);
    publish(client, OVEN + "electrical/telemetry", "{\"device_id\": ".getBytes(StandardCharsets.UTF_8));
    publish(client, OVEN + "electrical/telemetry", wrongField);
    publish(client, OVEN + "thermal/telemetry", example("thermal"));
    client.disconnect();

    await().atMost(WAIT).until(() -> archiver.metrics().messagesAcked() == 5);
    List<JsonNode> dead = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("dead").resolve("dead-letters.jsonl"))) {
      dead.add(JSON.readTree(line));
    }
    assertThat(dead).hasSize(3);
    assertThat(dead).anySatisfy(d -> {
      assertThat(d.path("payload").asString()).isEqualTo("{\"device_id\": ");
      assertThat(d.path("reason").asString()).contains("not valid JSON");
    });
    assertThat(dead).anySatisfy(d -> assertThat(d.path("reason").asString()).contains("metadata.rssi"));
    assertThat(dead).anySatisfy(d -> {
      assertThat(d.path("topic").asString()).isEqualTo(OVEN + "electrical/telemetry");
      assertThat(d.path("reason").asString()).contains("field type conflict");
      assertThat(d.path("line").asString()).endsWith(" 1577836800000");
      assertThat(d.path("payload").asString()).contains("2020-01-01T00:00:00.000Z");
    });
    assertThat(Readings.stored(influx, DB)).containsExactlyInAnyOrder("esp32-oven001-elec@1769682600123",
        "esp32-oven001-therm@1769682600456");
    assertThat(influx.rows(DB, "SELECT temperature FROM thermal WHERE zone != ''")).hasSize(3);
    assertThat(archiver.metrics().deadLetters()).isEqualTo(3);
  }

  @Test
  void poisonFromMosquittoPubIsDeadLetteredAndAckedAndTheDeviceCarriesOn() throws Exception {
    startArchiver();
    String topic = OVEN + "electrical/telemetry";
    String electrical = new String(example("electrical"), StandardCharsets.UTF_8);
    mosquittoPub(topic, "{\"device_id\": ");
    mosquittoPub(topic, electrical.replace("\"power_factor\": 0.92", "\"power_factor\": \"high\""));
    List<String> later = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      mosquittoPub(topic, electrical.replace("10:30:00.123Z", "10:30:0" + i + ".123Z"));
      later.add("esp32-oven001-elec@" + (1769682600123L + 1000L * i));
    }

    // Acknowledged, all five: a poison message does not hold back the device's next ones.
    await().atMost(WAIT).until(() -> archiver.metrics().messagesAcked() == 5);
    List<JsonNode> dead = new ArrayList<>();
    for (String line : Files.readAllLines(tmp.resolve("dead").resolve("dead-letters.jsonl"))) {
      dead.add(JSON.readTree(line));
    }
    assertThat(dead).hasSize(2).allSatisfy(d -> assertThat(d.path("topic").asString()).isEqualTo(topic));
    assertThat(dead.get(0).path("payload").asString()).isEqualTo("{\"device_id\": ");
    assertThat(dead.get(0).path("reason").asString()).contains("not valid JSON");
    assertThat(dead.get(1).path("reason").asString()).contains("measurements.power_factor");
    assertThat(Readings.stored(influx, DB)).containsExactlyInAnyOrderElementsOf(later);
    assertThat(archiver.metrics().deadLetters()).isEqualTo(2);

    // Acknowledged for good: an archiver back on the same session is sent none of them again, only what is new.
    archiver.close();
    startArchiver();
    mosquittoPub(topic, electrical.replace("10:30:00.123Z", "10:30:04.123Z"));
    await().atMost(WAIT).until(() -> archiver.metrics().messagesAcked() == 1);
    assertThat(archiver.metrics().messagesReceived()).isEqualTo(1);
    assertThat(Files.readAllLines(tmp.resolve("dead").resolve("dead-letters.jsonl"))).hasSize(2);
  }

  /** Publishes {@code payload} at QoS 1 with a mosquitto_pub process. */
  private void mosquittoPub(String topic, String payload) throws Exception {
    Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
        "-q", "1", "-i", "it-mosquitto-pub", "-t", topic, "-m", payload).redirectErrorStream(true).start();
    assertThat(pub.waitFor()).as(new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
  }
}
