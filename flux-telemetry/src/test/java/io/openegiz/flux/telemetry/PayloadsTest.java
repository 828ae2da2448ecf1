package io.openegiz.flux.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.telemetry.ElectricalTelemetry.Phases;
import io.openegiz.flux.telemetry.ElectricalTelemetry.Total;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Payloads written from Java follow the schema files and read back equal. */
class PayloadsTest {
  private static final Instant AT = Instant.parse("2026-01-29T10:30:00Z");

  static Stream<Object> javaPayloads() {
    return Stream.of(
        new ElectricalTelemetry("esp32-oven001-elec", "factory:oven-001", AT,
            new ElectricalTelemetry.Measurements(Phases.volts(230, 229.5, 231), Phases.amperes(10, 11, 12),
                0.95, Total.kilowatts(7.5), Total.kilowattHours(1234.56), 50.0),
            new Metadata("1.2.3", -60, 3600L)),
        new ThermalTelemetry("esp32-oven001-therm", "factory:oven-001", AT.plusMillis(7),
            new ThermalTelemetry.Measurements(
                List.of(ThermalTelemetry.Zone.celsius(1, 180), ThermalTelemetry.Zone.celsius(2, 181.5)),
                180, false),
            new Metadata("1.2.3", -62)),
        new EnvironmentalTelemetry("esp32-zonea-env", "factory:zone-a", AT,
            EnvironmentalTelemetry.Measurements.of(21.5, 40, 1012.5, 600), new Metadata("1.1.0", -70)),
        new Status("esp32-oven001-elec", Status.State.ONLINE, AT,
            new Status.Diagnostics(45000, 2, 0, 86400, "1.2.3")),
        new Status("esp32-oven001-elec", Status.State.ONLINE, AT,
            new Status.Diagnostics(45000, 2, 0, 86400, "1.2.3"),
            new Status.Ota("req-2", Status.Ota.State.REFUSED, "1.3.0", "HashMismatch: the image's SHA-256 is …")),
        Status.offline("esp32-oven001-elec", AT),
        new Command.SetInterval("req-1", 10),
        new Command.Ota("req-2", "https://firmware.example/esp32/1.3.0.bin", "a".repeat(64),
            "c2lnbmF0dXJl", "1.3.0", "bWFuaWZlc3Q=", null),
        new Command.Ota("req-3", "https://firmware.example/esp32/1.3.0.bin", "a".repeat(64),
            "c2lnbmF0dXJl", "1.3.0", "bWFuaWZlc3Q=", "esp32-oven001-elec"));
  }

  @ParameterizedTest
  @MethodSource("javaPayloads")
  void javaPayloadFollowsItsSchemaFile(Object payload) {
    PayloadType type = PayloadType.of(payload.getClass());
    String json = Payloads.toJson(payload);

    String schemaFile = type.schemaResource().substring("/schemas/".length());
    assertThat(SchemaFiles.validate(schemaFile, json)).as(json).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("javaPayloads")
  void javaPayloadReadsBackEqual(Object payload) {
    byte[] json = Payloads.toJsonBytes(payload);

    assertThat(Payloads.fromJson(json, payload.getClass())).isEqualTo(payload);
  }

  @Test
  void telemetryTimestampAlwaysHasMilliseconds() {
    String json = Payloads.toJson(javaPayloads().findFirst().orElseThrow());

    assertThat(json).contains("\"timestamp\":\"2026-01-29T10:30:00.000Z\"");
  }

  @Test
  void snakeCaseNamesAndSensorTypeAreWritten() {
    String json = Payloads.toJson(javaPayloads().findFirst().orElseThrow());

    assertThat(json).startsWith("{\"device_id\":\"esp32-oven001-elec\",\"thing_id\":\"factory:oven-001\"")
        .contains("\"sensor_type\":\"electrical\"", "\"power_factor\":0.95",
            "\"energy\":{\"total\":1234.56,\"unit\":\"kWh\"}", "\"uptime_seconds\":3600");
  }

  @Test
  void absentOptionalFieldsAreLeftOut() {
    String offline = Payloads.toJson(Status.offline("esp32-oven001-elec", AT));

    assertThat(offline).isEqualTo(
        "{\"device_id\":\"esp32-oven001-elec\",\"status\":\"offline\",\"timestamp\":\"2026-01-29T10:30:00.000Z\"}");
  }

  @Test
  void commandsCarryTheirKind() {
    assertThat(Payloads.toJson(new Command.SetInterval("req-1", 10)))
        .isEqualTo("{\"command\":\"set_interval\",\"request_id\":\"req-1\",\"interval_seconds\":10}");
    Command command = Payloads.fromJson("{\"command\":\"ota\",\"request_id\":\"r\","
        + "\"url\":\"https://f.example/a.bin\",\"sha256\":\"" + "0".repeat(64) + "\","
        + "\"signature\":\"AAAA\",\"version\":\"2.0.0\",\"manifest\":\"AAAA\"}", Command.class);
    assertThat(command).isInstanceOf(Command.Ota.class);
  }
}
