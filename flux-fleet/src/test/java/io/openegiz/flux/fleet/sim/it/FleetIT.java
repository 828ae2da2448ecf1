package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.SensorMix;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
    return FluxBroker.builder(BrokerConfig.builder().listener(port, "127.0.0.1").build()).build().start();
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
      await().atMost(WAIT).until(() -> fleet.snapshot().connected() == 2);
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
            && r.timestamp().isAfter(down) && r.timestamp().isBefore(resumed)) >= buffered);
        assertThat(fleet.snapshot().dropped()).isZero();
        assertThat(fleet.snapshot().reconnects()).isGreaterThanOrEqualTo(2);
        fleet.close();
        judge.assertAllValid(sub.all());
      }
    }
  }

  private static String ota(String requestId) {
    return "{\"command\":\"ota\",\"request_id\":\"" + requestId
        + "\",\"url\":\"https://firmware.example/esp32/1.3.0.bin\","
        + "\"sha256\":\"" + "ab".repeat(32) + "\",\"signature\":\"c2lnbmF0dXJl\",\"version\":\"1.3.0\"}";
  }

  private static List<Received> telemetryAfter(Subscriber sub, int mark, String deviceId) {
    List<Received> all = sub.all();
    return all.subList(Math.min(mark, all.size()), all.size()).stream()
        .filter(r -> r.isTelemetry() && r.deviceId().equals(deviceId)).toList();
  }
}
