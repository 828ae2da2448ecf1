package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.SensorMix;
import io.openegiz.flux.fleet.sim.SimulatedDevice;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A small fleet against an in-process Flux broker: what FR-1 asks of a device, seen from the broker's side. */
class FleetIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String OVEN_COMMAND = "openegiz/factory-a/oven/oven-001/command";
  private final SchemaJudge judge = new SchemaJudge();
  private FluxBroker broker;

  @BeforeEach
  void startBroker() {
    broker = startBroker(0);
  }

  @AfterEach
  void stopBroker() {
    broker.close();
  }

  private static FluxBroker startBroker(int port) {
    return startBroker(BrokerConfig.builder().listener(port, "127.0.0.1"));
  }

  private static FluxBroker startBroker(BrokerConfig.Builder config) {
    return FluxBroker.builder(config.build()).build().start();
  }

  private static FleetConfig config(int devices, int port, String mix) {
    return FleetConfig.defaults("127.0.0.1", port, devices).withInterval(Duration.ofMillis(200))
        .withIdentity("factory-a", SensorMix.parse(mix), 7)
        .withTiming(Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500)).withConnectRate(1000);
  }

  @Test
  void everyPayloadFollowsItsSchemaAndTheOnlineStatusIsRetained() {
    List<Received> all;
    try (Subscriber sub = new Subscriber(broker.port(), "openegiz/#")) {
      Fleet fleet = Fleet.start(config(5, broker.port(), "electrical=2,thermal=2,environmental=1"));
      List<String> ids = fleet.devices().stream().map(d -> d.spec().deviceId()).toList();
      await().atMost(WAIT)
          .until(() -> ids.stream().allMatch(id -> sub.count(r -> r.isTelemetry() && r.deviceId().equals(id)) >= 5
              && sub.count(r -> r.isStatus("online") && r.deviceId().equals(id)) >= 2));
      try (Subscriber late = new Subscriber(broker.port(), "openegiz/+/+/+/+/status")) {
        await().atMost(WAIT).until(() -> late.matching(r -> r.retain() && r.isStatus("online")).stream()
            .map(Received::deviceId).distinct().count() == 5);
      }
      fleet.close();
      await().atMost(WAIT).until(() -> sub.matching(r -> r.isStatus("offline")).size() == 5);
      all = sub.all();
    }
    judge.assertAllValid(all);
    assertThat(all).filteredOn(Received::isTelemetry).extracting(Received::topic)
        .contains("openegiz/factory-a/oven/oven-001/electrical/telemetry",
            "openegiz/factory-a/oven/oven-002/thermal/telemetry",
            "openegiz/factory-a/environment/zone-a/ambient/telemetry");
    Received online = all.stream().filter(r -> r.isStatus("online")).findFirst().orElseThrow();
    assertThat(online.json().path("diagnostics").path("firmware_version").asString()).isEqualTo("1.2.3");
  }

  @Test
  void setIntervalSlowsBothDevicesOfTheOvenAndOtaIsDeclined() {
    try (Subscriber sub = new Subscriber(broker.port(), "openegiz/#");
        Subscriber replies = new Subscriber(broker.port(), "it/replies/#")) {
      Fleet fleet = Fleet.start(config(2, broker.port(), "electrical=1,thermal=1"));
      await().atMost(WAIT).until(() -> sub.count(r -> r.isStatus("online")) >= 2);
      sub.publish(OVEN_COMMAND, "{\"command\":\"set_interval\",\"request_id\":\"req-1\",\"interval_seconds\":1}");
      await().atMost(WAIT).until(() -> sub.count(r -> r.topic().endsWith("/response")) == 2);
      int mark = sub.all().size();
      assertThat(fleet.device("esp32-oven001-elec").interval()).isEqualTo(Duration.ofSeconds(1));

      await().atMost(WAIT).until(() -> telemetryAfter(sub, mark, "esp32-oven001-elec").size() >= 4);
      List<Instant> times = telemetryAfter(sub, mark, "esp32-oven001-elec").stream().map(Received::timestamp).toList();
      for (int i = 2; i < times.size(); i++) {
        // Was 200 ms; now one reading a second.
        assertThat(Duration.between(times.get(i - 1), times.get(i))).isBetween(Duration.ofMillis(850),
            Duration.ofMillis(1300));
      }

      sub.publish(OVEN_COMMAND, ota("req-2"));
      await().atMost(WAIT).until(() -> sub.count(r -> r.topic().endsWith("/response")
          && r.json().path("request_id").asString().equals("req-2")) == 2);
      Received ack = sub.matching(r -> r.topic().endsWith("/response") && r.text().contains("req-2")).getFirst();
      assertThat(ack.json().path("result").asString()).isEqualTo("not_supported");
      assertThat(ack.topic()).matches("openegiz/factory-a/oven/oven-001/(electrical|thermal)/response");

      // MQTT 5 request/response: the answer goes where the command asked, with its correlation data.
      sub.request(OVEN_COMMAND, ota("req-3"), "it/replies/ota", "corr-3".getBytes(StandardCharsets.UTF_8));
      await().atMost(WAIT).until(() -> replies.all().size() == 2);
      assertThat(replies.all()).allSatisfy(r -> {
        assertThat(new String(r.correlationData(), StandardCharsets.UTF_8)).isEqualTo("corr-3");
        assertThat(r.json().path("result").asString()).isEqualTo("not_supported");
      });
      fleet.close();
      judge.assertAllValid(sub.all());
    }
  }

  @Test
  void anAbruptConnectionLossPublishesTheRetainedOfflineWill() throws Exception {
    String id = "esp32-zonea-env";
    String statusTopic = "openegiz/factory-a/environment/zone-a/ambient/status";
    try (TcpProxy proxy = new TcpProxy(broker.port());
        Subscriber sub = new Subscriber(broker.port(), "openegiz/#")) {
      Fleet fleet = Fleet.start(config(1, proxy.port(), "environmental=1"));
      await().atMost(WAIT).until(() -> sub.count(r -> r.isStatus("online")) >= 1);

      proxy.accepting(false);
      proxy.cutAll();
      await().atMost(WAIT).until(() -> sub.count(r -> r.isStatus("offline")) == 1);
      try (Subscriber late = new Subscriber(broker.port(), statusTopic)) {
        await().atMost(WAIT).until(() -> late.matching(r -> r.retain() && r.isStatus("offline")).size() == 1);
      }
      Received will = sub.matching(r -> r.isStatus("offline")).getFirst();
      assertThat(will.deviceId()).isEqualTo(id);
      assertThat(will.json().has("diagnostics")).as("an LWT is fixed at connect time: no counters").isFalse();

      proxy.accepting(true);
      await().atMost(WAIT).until(() -> fleet.device(id).mqttReconnects() == 1
          && sub.count(
              r -> r.isStatus("online") && r.json().path("diagnostics").path("mqtt_reconnects").asInt() == 1) >= 1);
      fleet.close();
      judge.assertAllValid(sub.all());
    }
  }

  @Test
  void afterABrokerRestartTheDevicesReconnectAndDeliverWhatTheyBuffered() throws Exception {
    int port = broker.port();
    try (TcpProxy proxy = new TcpProxy(port)) {
      Fleet fleet = Fleet.start(config(2, proxy.port(), "electrical=1,environmental=1"));
      // Connected, and the readings taken before the first connect handed to the client: from here on, what the
      // buffer holds was taken while the broker was down.
      await().atMost(WAIT).until(() -> fleet.snapshot().connected() == 2 && fleet.snapshot().buffered() == 0);
      Instant down = Instant.now();
      broker.close();
      await().atMost(WAIT).until(() -> fleet.snapshot().buffered() >= 10);
      proxy.accepting(false);
      broker = startBroker(port);
      try (Subscriber sub = new Subscriber(port, "openegiz/#")) {
        long buffered = fleet.snapshot().buffered();
        Instant resumed = Instant.now();
        proxy.accepting(true);
        await().atMost(WAIT).until(() -> fleet.snapshot().connected() == 2 && sub.count(r -> r.isTelemetry()
            && r.timestamp().isAfter(down.minusSeconds(1)) && r.timestamp().isBefore(resumed)) >= buffered);
        assertThat(fleet.snapshot().dropped()).isZero();
        assertThat(fleet.snapshot().reconnects()).isGreaterThanOrEqualTo(2);
        fleet.close();
        judge.assertAllValid(sub.all());
      }
    }
  }

  @Test
  void aDeviceThatBufferedMoreThanTheBrokersWindowDeliversItAllWhenTheBrokerComesBack() throws Exception {
    int port = broker.port();
    try (TcpProxy proxy = new TcpProxy(port)) {
      Fleet fleet = Fleet.start(config(1, proxy.port(), "electrical=1").withInterval(Duration.ofMillis(100)));
      SimulatedDevice device = fleet.devices().getFirst();
      await().atMost(WAIT).until(() -> device.isConnected() && device.buffered() == 0);
      // A reading taken just before this can still end in the buffer (its send failed as the broker closed): the
      // counts below start a second earlier.
      Instant down = Instant.now();
      broker.close();
      // More than the broker's window (5) and the 64 publishes the HiveMQ client queues beyond it: sent all at
      // once, they would block the sending thread until the broker acknowledged some.
      await().atMost(WAIT).until(() -> device.buffered() >= 120);
      proxy.accepting(false);
      broker = startBroker(BrokerConfig.builder().listener(port, "127.0.0.1").maxInflightMessages(5));
      try (Subscriber sub = new Subscriber(port, "openegiz/+/+/+/+/telemetry")) {
        long buffered = device.buffered();
        Instant resumed = Instant.now();
        proxy.accepting(true);
        await().atMost(WAIT).until(() -> readings(sub, r -> r.timestamp().isAfter(down.minusSeconds(1))
            && r.timestamp().isBefore(resumed)) >= buffered
            && readings(sub, r -> r.timestamp().isAfter(resumed)) >= 20);
        assertThat(device.dropped()).isZero();
        fleet.close();
        judge.assertAllValid(sub.all());
      }
    }
  }

  @Test
  void aDeviceTheBrokerPausesNeitherStopsTheOthersNorLosesItsReadings() {
    broker.close();
    // A window of 10 and queues of 10: a subscriber that takes nothing pauses its publishers within a second.
    broker = startBroker(BrokerConfig.builder().listener(0, "127.0.0.1").maxInflightMessages(10).maxQueuedMessages(10));
    String paused = "esp32-mixer001-elec";
    String other = "esp32-zonea-env";
    try (Subscriber sub = new Subscriber(broker.port(), "openegiz/+/+/+/+/telemetry")) {
      Fleet fleet = Fleet.start(config(2, broker.port(), "electrical=1,environmental=1")
          .withInterval(Duration.ofMillis(100)));
      await().atMost(WAIT).until(() -> fleet.snapshot().connected() == 2);
      try (StalledSubscriber stalled = new StalledSubscriber(broker.port(),
          "openegiz/factory-a/mixer/mixer-001/electrical/telemetry")) {
        await().atMost(WAIT).until(() -> stalled.received() >= 1);
        long mark = readings(sub, r -> r.deviceId().equals(other));
        // 20 s at 10 Hz: the paused device fills the broker's window and the client's queue within 8 s; a device
        // that then blocks the fleet's threads stops every other device.
        await().atMost(Duration.ofSeconds(40))
            .until(() -> readings(sub, r -> r.deviceId().equals(other)) >= mark + 200);
        assertThat(fleet.device(paused).buffered()).as("the paused device keeps its readings").isGreaterThan(50);
      }
      // The stalled subscriber left, the broker reads the paused device again: every reading it took arrives.
      long taken = fleet.device(paused).readingsTaken();
      await().atMost(WAIT).until(() -> readings(sub, r -> r.deviceId().equals(paused)) >= taken);
      assertThat(fleet.snapshot().dropped()).isZero();
      fleet.close();
      judge.assertAllValid(sub.all());
    }
  }

  private static String ota(String requestId) {
    return "{\"command\":\"ota\",\"request_id\":\"" + requestId
        + "\",\"url\":\"https://firmware.example/esp32/1.3.0.bin\","
        + "\"sha256\":\"" + "ab".repeat(32) + "\",\"signature\":\"c2lnbmF0dXJl\",\"version\":\"1.3.0\","
        + "\"manifest\":\"bWFuaWZlc3Q=\"}";
  }

  private static List<Received> telemetryAfter(Subscriber sub, int mark, String deviceId) {
    List<Received> all = sub.all();
    return all.subList(Math.min(mark, all.size()), all.size()).stream()
        .filter(r -> r.isTelemetry() && r.deviceId().equals(deviceId)).toList();
  }

  /** Distinct telemetry readings (device and timestamp) that match: a copy sent twice counts once. */
  private static long readings(Subscriber sub, Predicate<Received> test) {
    return sub.matching(r -> r.isTelemetry() && test.test(r)).stream().map(r -> r.deviceId() + "@" + r.timestamp())
        .distinct().count();
  }
}
