package io.openegiz.flux.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The PRD's own example payloads, verbatim, against the schema files and through the codec. */
class SpecExamplesTest {

  @ParameterizedTest(name = "{0} follows {1}")
  @CsvSource({
      "spec-electrical.json, electrical-telemetry.schema.json, ELECTRICAL_TELEMETRY",
      "spec-thermal.json, thermal-telemetry.schema.json, THERMAL_TELEMETRY",
      "spec-environmental.json, environmental-telemetry.schema.json, ENVIRONMENTAL_TELEMETRY",
      "spec-status.json, status.schema.json, STATUS"
  })
  void specExampleIsValid(String example, String schemaFile, PayloadType type) {
    String json = SchemaFiles.resource("/examples/" + example);

    assertThat(SchemaFiles.validate(schemaFile, json)).isEmpty();
    assertThat(Payloads.validate(json, type)).isEmpty();
  }

  @ParameterizedTest(name = "{0} reads and writes back the same JSON")
  @CsvSource({
      "spec-electrical.json, ELECTRICAL_TELEMETRY",
      "spec-thermal.json, THERMAL_TELEMETRY",
      "spec-environmental.json, ENVIRONMENTAL_TELEMETRY"
  })
  void specTelemetryRoundTrips(String example, PayloadType type) {
    String json = SchemaFiles.resource("/examples/" + example);

    Object payload = Payloads.fromJson(json, type.javaType());
    String written = Payloads.toJson(payload);

    // Environmental co2 450 is written back as 450.0: equal as JSON numbers, so compare after a re-read.
    assertThat(Payloads.fromJson(written, type.javaType())).isEqualTo(payload);
    assertThat(SchemaFiles.validate(type.schemaResource().substring("/schemas/".length()), written)).isEmpty();
  }

  @ParameterizedTest(name = "{0} is read as its sensor type")
  @CsvSource({
      "spec-electrical.json, ELECTRICAL",
      "spec-thermal.json, THERMAL",
      "spec-environmental.json, ENVIRONMENTAL"
  })
  void telemetryIsReadBySensorType(String example, SensorType sensorType) {
    Telemetry telemetry = Payloads.fromJson(SchemaFiles.resource("/examples/" + example), Telemetry.class);

    assertThat(telemetry.sensorType()).isEqualTo(sensorType);
    assertThat(telemetry).isInstanceOf(sensorType.payloadType().javaType());
  }
}
