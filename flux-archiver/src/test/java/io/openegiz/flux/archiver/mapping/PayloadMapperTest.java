package io.openegiz.flux.archiver.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.archiver.line.LineProtocol;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec's payloads (flux-telemetry's fixtures, verbatim) mapped as docs/archive.md documents them. */
class PayloadMapperTest {
  private static final String OVEN = "openegiz/factory-a/oven/oven-001/";
  private static final String TOPIC_TAGS = "equipment_id=oven-001,equipment_type=oven,factory_id=factory-a";
  private static final long NOW = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  private final PayloadMapper mapper = new PayloadMapper();

  static byte[] example(String name) throws IOException {
    return Files.readAllBytes(Path.of("../flux-telemetry/src/test/resources/examples/spec-" + name + ".json"));
  }

  private List<String> lines(String topic, byte[] payload) {
    Mapped mapped = mapper.map(topic, payload, NOW);
    assertThat(mapped).isInstanceOf(Mapped.Points.class);
    return ((Mapped.Points) mapped).points().stream().map(LineProtocol::line).toList();
  }

  @Test
  void electricalIsOnePointWithFloatsIntegersAndTheFirmwareString() throws IOException {
    assertThat(lines(OVEN + "electrical/telemetry", example("electrical"))).containsExactly(
        "electrical,device_id=esp32-oven001-elec," + TOPIC_TAGS + ",sensor_type=electrical,thing_id=factory:oven-001"
            + " voltage_a=220.5,voltage_b=219.8,voltage_c=221.0,current_a=15.2,current_b=14.8,current_c=15.5,"
            + "power_factor=0.92,active_power_total=45.2,frequency=50.01,rssi=-65i,uptime_seconds=86400i,"
            + "firmware_version=\"1.2.3\" 1769682600123");
  }

  @Test
  void thermalIsADevicePointAndOnePointPerZoneTaggedWithItsZone() throws IOException {
    String tags = "device_id=esp32-oven001-therm," + TOPIC_TAGS + ",sensor_type=thermal,thing_id=factory:oven-001";
    assertThat(lines(OVEN + "thermal/telemetry", example("thermal"))).containsExactly(
        "thermal," + tags + " setpoint=190.0,heating_active=true,rssi=-62i,firmware_version=\"1.2.3\" 1769682600456",
        "thermal," + tags + ",zone=1 temperature=185.0 1769682600456",
        "thermal," + tags + ",zone=2 temperature=190.0 1769682600456",
        "thermal," + tags + ",zone=3 temperature=188.5 1769682600456");
  }

  @Test
  void environmentalTakesSensorTypeFromTheTopicAndMeasurementFromThePayload() throws IOException {
    assertThat(lines("openegiz/factory-a/environment/zone-a/ambient/telemetry", example("environmental")))
        .containsExactly("environmental,device_id=esp32-zonea-env,equipment_id=zone-a,equipment_type=environment,"
            + "factory_id=factory-a,sensor_type=ambient,thing_id=factory:zone-a ambient_temperature=24.5,"
            + "humidity=55.2,pressure=1013.25,co2=450.0,rssi=-70i,firmware_version=\"1.1.0\" 1769682600789");
  }

  @Test
  void statusAndTheLastWillGoToDeviceStatus() throws IOException {
    assertThat(lines(OVEN + "electrical/status", example("status"))).containsExactly(
        "device_status,device_id=esp32-oven001-elec," + TOPIC_TAGS + ",sensor_type=electrical status=\"online\","
            + "free_heap=45000i,wifi_reconnects=2i,mqtt_reconnects=0i,uptime_seconds=86400i,"
            + "firmware_version=\"1.2.3\" 1769682600000");
    String lwt = "{\"device_id\":\"esp32-oven001-elec\",\"status\":\"offline\",\"timestamp\":\"2026-01-29T10:30:00Z\"}";
    assertThat(lines(OVEN + "electrical/status", lwt.getBytes(StandardCharsets.UTF_8))).containsExactly(
        "device_status,device_id=esp32-oven001-elec," + TOPIC_TAGS + ",sensor_type=electrical status=\"offline\""
            + " 1769682600000");
  }

  @Test
  void aMissingTimestampIsTheReceiveTimeAndCounted() throws IOException {
    String json = new String(example("environmental"), StandardCharsets.UTF_8)
        .replace("\"timestamp\": \"2026-01-29T10:30:00.789Z\",", "");
    Mapped mapped = mapper.map("openegiz/factory-a/environment/zone-a/ambient/telemetry",
        json.getBytes(StandardCharsets.UTF_8), NOW + 7);

    assertThat(((Mapped.Points) mapped).receiveTimeUsed()).isTrue();
    assertThat(((Mapped.Points) mapped).points().getFirst().timestampMillis()).isEqualTo(NOW + 7);
  }

  @Test
  void invalidPayloadsAreRejectedNamingTheField() throws IOException {
    String bad = new String(example("electrical"), StandardCharsets.UTF_8).replace("\"a\": 220.5", "\"a\": \"high\"");
    assertThat(mapper.map(OVEN + "electrical/telemetry", bad.getBytes(StandardCharsets.UTF_8), NOW))
        .isInstanceOfSatisfying(Mapped.Rejected.class,
            r -> assertThat(r.reason()).contains("measurements.voltage.a"));
    assertThat(mapper.map(OVEN + "electrical/telemetry", "{not json".getBytes(StandardCharsets.UTF_8), NOW))
        .isInstanceOfSatisfying(Mapped.Rejected.class, r -> assertThat(r.reason()).contains("not valid JSON"));
    assertThat(mapper.map("openegiz/Factory-A/oven/oven-001/electrical/telemetry", example("electrical"), NOW))
        .isInstanceOfSatisfying(Mapped.Rejected.class, r -> assertThat(r.reason()).contains("factory_id"));
  }

  @Test
  void commandsAndResponsesAreNotArchived() {
    byte[] any = "{}".getBytes(StandardCharsets.UTF_8);
    assertThat(mapper.map(OVEN + "command", any, NOW)).isInstanceOf(Mapped.Ignored.class);
    assertThat(mapper.map(OVEN + "electrical/response", any, NOW)).isInstanceOf(Mapped.Ignored.class);
  }
}
