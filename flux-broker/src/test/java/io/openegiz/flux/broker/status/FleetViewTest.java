package io.openegiz.flux.broker.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.metrics.CountingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FleetViewTest {
  private static final String STATUS = "openegiz/factory-a/oven/oven-001/electrical/status";
  private static final String TELEMETRY = "openegiz/factory-a/oven/oven-001/electrical/telemetry";
  private static final String KEY = "factory-a/oven/oven-001/electrical";

  private final TestClock clock = new TestClock();
  private final FleetView fleet = new FleetView(3, clock);

  @Test
  void anOnlineStatusThenItsLwtTurnTheDeviceOnlineThenOffline() {
    fleet.routed(message(STATUS, "{\"device_id\":\"esp32-oven001-elec\",\"status\":\"online\","
        + "\"timestamp\":\"2026-01-29T10:30:00Z\",\"diagnostics\":{\"free_heap\":1,\"wifi_reconnects\":0,"
        + "\"mqtt_reconnects\":0,\"uptime_seconds\":5,\"firmware_version\":\"1.2.3\"}}"));
    Device d = fleet.device(KEY);
    assertThat(d.state()).isEqualTo(Device.State.ONLINE);
    assertThat(d.deviceId()).isEqualTo("esp32-oven001-elec");
    assertThat(d.firmware()).isEqualTo("1.2.3");
    assertThat(d.lastSeenMillis()).isEqualTo(clock.now);

    long seen = clock.now;
    clock.now += 40_000;
    fleet.routed(message(STATUS, "{ \"device_id\" : \"esp32-oven001-elec\", \"status\" : \"offline\","
        + " \"timestamp\" : \"2026-01-29T10:30:00Z\" }"));
    assertThat(fleet.stateOf(KEY)).isEqualTo("offline");
    assertThat(d.stateSinceMillis()).isEqualTo(clock.now);
    assertThat(d.lastSeenMillis()).as("an LWT is no sign of life").isEqualTo(seen);
    assertThat(d.firmware()).as("kept from the online status").isEqualTo("1.2.3");
  }

  @Test
  void aStatusWithoutAReadableStateOrAnEmptyRetainedClearChangesNothing() {
    fleet.routed(message(STATUS, "{\"status\":\"online\"}"));
    fleet.routed(message(STATUS, ""));
    fleet.routed(message(STATUS, "{\"status\":\"rebooting\"}"));
    fleet.routed(message(STATUS, "{\"note\":\"\\\"status\\\":\\\"offline\\\"\"}"));
    assertThat(fleet.stateOf(KEY)).isEqualTo("online");
  }

  @Test
  void telemetryGivesLastSeenRssiFirmwareAndRate() {
    String payload = "{\"device_id\":\"esp32-oven001-elec\",\"timestamp\":\"2026-01-29T10:30:00Z\","
        + "\"voltage_a\":220.5,\"metadata\":{\"firmware_version\":\"1.2.4\",\"rssi\":-65}}";
    fleet.routed(message(TELEMETRY, payload));
    Device d = fleet.device(KEY);
    assertThat(d.state()).as("no status seen yet").isEqualTo(Device.State.UNKNOWN);
    assertThat(d.rssi()).isEqualTo(-65);
    assertThat(d.firmware()).isEqualTo("1.2.4");
    d.rate(clock.now);
    for (int i = 0; i < 10; i++) {
      clock.now += 200;
      fleet.routed(message(TELEMETRY, payload.replace("-65", "-70")));
    }
    assertThat(d.rate(clock.now)).isEqualTo(5.0); // 10 messages in 2 s
    assertThat(d.lastSeenMillis()).isEqualTo(clock.now);
    assertThat(d.rssi()).as("payloads are read once every %d ms", Device.SAMPLE_MILLIS).isEqualTo(-65);
    clock.now += Device.SAMPLE_MILLIS;
    fleet.routed(message(TELEMETRY, payload.replace("-65", "-70")));
    assertThat(d.rssi()).isEqualTo(-70);
    assertThat(d.telemetryCount()).isEqualTo(12);
  }

  @Test
  void devicesBeyondTheCapAreCountedNotTracked() {
    for (int i = 1; i <= 5; i++) {
      fleet.routed(message("openegiz/f/oven/oven-00" + i + "/electrical/telemetry", "{}"));
    }
    fleet.routed(message("openegiz/f/oven/oven-001/electrical/status", "{\"status\":\"online\"}"));
    assertThat(fleet.size()).isEqualTo(3);
    assertThat(fleet.untrackedMessages()).isEqualTo(2);
    assertThat(fleet.stateOf("f/oven/oven-001/electrical")).as("a known device's second topic").isEqualTo("online");
    assertThat(fleet.stateOf("f/oven/oven-004/electrical")).isNull();
  }

  @Test
  void otherTopicsAreIgnored() {
    for (String t : new String[] {"openegiz/f/oven/oven-001/command", "openegiz/f/oven/oven-001/status",
        "openegiz/f/oven/oven-001/x/y/telemetry", "openegiz//oven/oven-001/electrical/status",
        "other/f/oven/oven-001/electrical/status", "$SYS/broker/uptime", "openegiz/f/oven/o/electrical/command"}) {
      fleet.routed(message(t, "{\"status\":\"online\"}"));
    }
    assertThat(fleet.size()).isZero();
    assertThat(fleet.untrackedMessages()).isZero();
  }

  @Test
  void theSnapshotGroupsFactoriesEquipmentAndDevicesAndEscapesWhatDevicesSent() {
    fleet.routed(message("openegiz/factory-b/press/p-1/thermal/status", "{\"status\":\"online\"}"));
    fleet.routed(message("openegiz/factory-a/oven/oven-002/thermal/telemetry", "{\"metadata\":{\"rssi\":-50}}"));
    fleet.routed(message("openegiz/factory-a/oven/<b>\"x/electrical/status",
        "{\"status\":\"offline\",\"device_id\":\"d-1\"}"));
    StatusFeed feed = new StatusFeed(fleet, new CountingMetrics(), clock);
    try {
      feed.section("archiver", () -> Map.of("in_flight", 7));
      feed.section("broken", () -> {
        throw new IllegalStateException("gone");
      });
      String json = new String(feed.current().json(), StandardCharsets.UTF_8);
      assertThat(json)
          .contains("\"fleet\":{\"devices\":3,\"online\":1,\"offline\":1,\"max_devices\":3,\"untracked_messages\":0}")
          .contains("\"archiver\":{\"in_flight\":7}")
          .contains("\"broken\":{\"error\":\"java.lang.IllegalStateException: gone\"}")
          .contains("\"factories\":[{\"id\":\"factory-a\",\"equipment\":[{\"type\":\"oven\","
              + "\"id\":\"\\u003cb\\u003e\\\"x\"")
          .contains("{\"type\":\"oven\",\"id\":\"oven-002\",\"devices\":[{\"key\":\"factory-a/oven/oven-002/thermal\","
              + "\"sensor\":\"thermal\",\"device_id\":null,\"state\":\"unknown\"")
          .contains("\"rssi\":-50")
          .contains("]},{\"id\":\"factory-b\",\"equipment\":[{\"type\":\"press\",\"id\":\"p-1\"")
          .doesNotContain("<b>");
    } finally {
      feed.close();
    }
  }

  @Test
  void payloadFieldsAreReadWhereverTheyAreAndOnlyAsKeys() {
    byte[] rssi = PayloadFields.key("rssi");
    assertThat(PayloadFields.integer(bytes("{\"a\":{\"rssi\" :\n-127}}"), rssi)).isEqualTo(-127);
    assertThat(PayloadFields.integer(bytes("{\"rssi\":-6.5}"), rssi)).isEqualTo(PayloadFields.NO_INT);
    assertThat(PayloadFields.integer(bytes("{\"rssi\":99999999999}"), rssi)).isEqualTo(PayloadFields.NO_INT);
    assertThat(PayloadFields.integer(bytes("{\"x\":\"rssi\",\"rssi\":-3}"), rssi)).isEqualTo(-3);
    assertThat(PayloadFields.integer(bytes("{\"rssi\":"), rssi)).isEqualTo(PayloadFields.NO_INT);
    byte[] fw = PayloadFields.key("firmware_version");
    assertThat(PayloadFields.string(bytes("{\"firmware_version\":\"1.2\\u0033\"}"), fw)).isNull();
    assertThat(PayloadFields.string(bytes("{\"firmware_version\":\"1.2.3"), fw)).isNull();
    assertThat(PayloadFields.string(bytes("{\"firmware_version\":\"" + "9".repeat(100) + "\"}"), fw))
        .hasSize(PayloadFields.MAX_STRING);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static Message message(String topic, String payload) {
    return new Message(topic, bytes(payload), 1, false, "c", 0, Message.Properties.NONE);
  }

  /** A clock the test moves by hand. */
  private static final class TestClock extends Clock {
    long now = 1_769_682_600_000L;

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }

    @Override
    public long millis() {
      return now;
    }
  }
}
