package io.openegiz.flux.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** Broken payloads are refused, both by the schema files and by the codec, with a message naming the field. */
class InvalidPayloadsTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String OTA = "{\"command\":\"ota\",\"request_id\":\"r\",\"url\":\"https://f.example/a.bin\","
      + "\"sha256\":\"" + "0".repeat(64) + "\",\"signature\":\"AAAA\",\"version\":\"2.0.0\","
      + "\"manifest\":\"AAAA\"}";

  static Stream<Arguments> brokenPayloads() {
    return Stream.of(
        broken("spec-electrical.json", n -> measurements(n).remove("frequency"),
            "measurements.frequency", "is required"),
        broken("spec-electrical.json", n -> obj(measurements(n), "voltage").put("unit", "kV"),
            "measurements.voltage.unit", "must be \"V\""),
        broken("spec-electrical.json", n -> measurements(n).put("frequency", "50.01"),
            "measurements.frequency", "must be a number between 40 and 70"),
        broken("spec-electrical.json", n -> obj(measurements(n), "voltage").put("a", 1200.0),
            "measurements.voltage.a", "must be a number between 0 and 1000"),
        broken("spec-electrical.json", n -> measurements(n).put("power_factor", 1.5),
            "measurements.power_factor", "must be a number between -1 and 1"),
        broken("spec-electrical.json", n -> obj(measurements(n), "energy").put("total", 1.0).put("unit", "Wh"),
            "measurements.energy.unit", "must be \"kWh\""),
        broken("spec-electrical.json", n -> n.put("extra", 1),
            "extra", "is not a field here; accepted: device_id, thing_id, timestamp"),
        broken("spec-electrical.json", n -> n.put("timestamp", "2026-01-29T10:30:00.123"),
            "timestamp", "ending in Z"),
        broken("spec-electrical.json", n -> n.put("timestamp", "2026-01-29T10:30:00.123+01:00"),
            "timestamp", "ending in Z"),
        broken("spec-electrical.json", n -> n.put("timestamp", "2026-01-29T10:30:00Z"),
            "timestamp", "with milliseconds"),
        broken("spec-electrical.json", n -> n.put("sensor_type", "thermal"),
            "sensor_type", "must be \"electrical\""),
        broken("spec-electrical.json", n -> n.put("device_id", "ESP32/oven"),
            "device_id", "1 to 64 characters of a-z"),
        broken("spec-electrical.json", n -> obj(n, "metadata").put("rssi", 10),
            "metadata.rssi", "must be an integer between -127 and 0"),
        broken("spec-electrical.json", n -> obj(n, "metadata").remove("firmware_version"),
            "metadata.firmware_version", "is required"),
        broken("spec-thermal.json", n -> zone(n, 1).put("unit", "F"),
            "measurements.temperature_zones[1].unit", "must be \"C\""),
        broken("spec-thermal.json", n -> zone(n, 0).put("zone", 1.5),
            "measurements.temperature_zones[0].zone", "must be an integer between 1 and 64"),
        broken("spec-thermal.json", n -> measurements(n).putArray("temperature_zones"),
            "measurements.temperature_zones", "must be an array of 1 to 64 items"),
        broken("spec-thermal.json", n -> measurements(n).put("heating_active", "yes"),
            "measurements.heating_active", "must be true or false"),
        broken("spec-environmental.json", n -> obj(measurements(n), "humidity").put("value", 101),
            "measurements.humidity.value", "must be a number between 0 and 100"),
        broken("spec-environmental.json", n -> obj(measurements(n), "co2").put("unit", "ppb"),
            "measurements.co2.unit", "must be \"ppm\""),
        broken("spec-environmental.json", n -> obj(measurements(n), "pressure").remove("unit"),
            "measurements.pressure.unit", "is required"),
        broken("spec-status.json", n -> n.put("status", "sleeping"),
            "status", "must be one of \"online\", \"offline\""),
        broken("spec-status.json", n -> n.remove("diagnostics"),
            "diagnostics", "is required"),
        broken("spec-status.json", n -> obj(n, "diagnostics").put("free_heap", -1),
            "diagnostics.free_heap", "must be an integer between 0 and"),
        broken("spec-status.json", n -> n.put("timestamp", "2026-01-29 10:30:00"),
            "timestamp", "ending in Z"));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("brokenPayloads")
  void brokenPayloadIsRefusedNamingTheField(String example, String json, String path, String message) {
    PayloadType type = typeOf(example);

    assertThat(SchemaFiles.validate(schemaFile(type), json)).as("schema file accepts it").isNotEmpty();
    assertThat(Payloads.validate(json, type)).anySatisfy(violation -> {
      assertThat(violation.path()).isEqualTo(path);
      assertThat(violation.message()).contains(message);
    });
    assertThatThrownBy(() -> Payloads.fromJson(json, type.javaType()))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining(path + ": ")
        .hasMessageContaining(message);
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    String json = mutate("spec-electrical.json", n -> {
      n.remove("thing_id");
      obj(measurements(n), "voltage").put("b", -1);
    });

    assertThat(Payloads.validate(json, PayloadType.ELECTRICAL_TELEMETRY)).extracting(Violation::toString)
        .containsExactlyInAnyOrder("thing_id: is required",
            "measurements.voltage.b: must be a number between 0 and 1000");
  }

  @Test
  void commandsAreCheckedAgainstTheirOwnKind() {
    String interval = "{\"command\":\"set_interval\",\"request_id\":\"r\",\"interval_seconds\":61}";
    String noCommand = "{\"request_id\":\"r\",\"interval_seconds\":5}";
    String unknown = "{\"command\":\"reboot\",\"request_id\":\"r\"}";
    String plainHttp = OTA.replace("https://", "http://");

    assertThat(Payloads.validate(interval, PayloadType.COMMAND)).extracting(Violation::toString)
        .containsExactly("interval_seconds: must be an integer between 1 and 60");
    assertThat(Payloads.validate(noCommand, PayloadType.COMMAND)).extracting(Violation::toString)
        .containsExactly("command: is required; one of \"set_interval\", \"ota\"");
    assertThat(Payloads.validate(unknown, PayloadType.COMMAND)).extracting(Violation::toString)
        .containsExactly("command: must be one of \"set_interval\", \"ota\"");
    assertThat(Payloads.validate(plainHttp, PayloadType.COMMAND)).extracting(Violation::path)
        .containsExactly("url");
    for (String json : new String[] {interval, noCommand, unknown, plainHttp}) {
      assertThat(SchemaFiles.validate("command.schema.json", json)).as(json).isNotEmpty();
    }
    assertThat(SchemaFiles.validate("command.schema.json", OTA)).isEmpty();
  }

  @Test
  void aCommandOfTheOtherKindIsRefused() {
    assertThatThrownBy(() -> Payloads.fromJson(OTA, Command.SetInterval.class))
        .isInstanceOf(PayloadException.class)
        .hasMessageContaining("command: is \"ota\", not a SetInterval");
  }

  @Test
  void malformedJsonAndUnknownSensorTypeAreRefused() {
    assertThatThrownBy(() -> Payloads.fromJson("{\"device_id\":", Status.class))
        .isInstanceOf(PayloadException.class).hasMessageContaining("$: is not valid JSON");
    assertThat(Payloads.validate("", PayloadType.STATUS)).extracting(Violation::path).containsExactly("$");
    assertThatThrownBy(() -> Payloads.fromJson("[1]", Status.class))
        .isInstanceOf(PayloadException.class).hasMessageContaining("$: must be an object");
    assertThatThrownBy(() -> Payloads.fromJson("{\"sensor_type\":\"vibration\"}", Telemetry.class))
        .isInstanceOf(PayloadException.class).hasMessageContaining("sensor_type: must be one of");
  }

  private static Arguments broken(String example, Consumer<ObjectNode> mutation, String path, String message) {
    return arguments(example, mutate(example, mutation), path, message);
  }

  private static String mutate(String example, Consumer<ObjectNode> mutation) {
    ObjectNode node = (ObjectNode) JSON.readTree(SchemaFiles.resource("/examples/" + example));
    mutation.accept(node);
    return JSON.writeValueAsString(node);
  }

  private static ObjectNode measurements(ObjectNode payload) {
    return obj(payload, "measurements");
  }

  private static ObjectNode obj(ObjectNode parent, String name) {
    JsonNode child = parent.get(name);
    return child instanceof ObjectNode object ? object : parent.putObject(name);
  }

  private static ObjectNode zone(ObjectNode payload, int index) {
    return (ObjectNode) ((ArrayNode) measurements(payload).get("temperature_zones")).get(index);
  }

  private static PayloadType typeOf(String example) {
    return switch (example) {
      case "spec-electrical.json" -> PayloadType.ELECTRICAL_TELEMETRY;
      case "spec-thermal.json" -> PayloadType.THERMAL_TELEMETRY;
      case "spec-environmental.json" -> PayloadType.ENVIRONMENTAL_TELEMETRY;
      default -> PayloadType.STATUS;
    };
  }

  private static String schemaFile(PayloadType type) {
    return type.schemaResource().substring("/schemas/".length());
  }
}
