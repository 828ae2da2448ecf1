package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Judges received payloads with the networknt validator run straight on the schema files in the source tree,
 * independently of the project's own {@code Payloads} codec.
 */
final class SchemaJudge {
  private static final Path TELEMETRY_SCHEMAS = Path.of("../flux-telemetry/src/main/resources/schemas");
  private static final Path FLEET_SCHEMAS = Path.of("src/main/resources/schemas");
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final Map<Path, Schema> schemas = new ConcurrentHashMap<>();

  /** The violations of a payload received on {@code topic}; the schema follows the topic's last level. */
  List<Error> judge(String topic, byte[] payload) {
    String json = new String(payload, StandardCharsets.UTF_8);
    return schema(schemaFile(topic, json)).validate(json, InputFormat.JSON);
  }

  /** Asserts that there are messages and that each follows its schema, naming the first that does not. */
  void assertAllValid(List<Received> messages) {
    assertThat(messages).isNotEmpty();
    for (Received r : messages) {
      assertThat(judge(r.topic(), r.payload())).as("%s %s", r.topic(), r.text()).isEmpty();
    }
  }

  static Path schemaFile(String topic, String json) {
    String kind = topic.substring(topic.lastIndexOf('/') + 1);
    return switch (kind) {
      case "telemetry" -> TELEMETRY_SCHEMAS.resolve(
          JSON.readTree(json).path("sensor_type").asString("missing") + "-telemetry.schema.json");
      case "status" -> TELEMETRY_SCHEMAS.resolve("status.schema.json");
      case "command" -> TELEMETRY_SCHEMAS.resolve("command.schema.json");
      case "response" -> FLEET_SCHEMAS.resolve("command-ack.schema.json");
      default -> throw new AssertionError("unexpected topic " + topic);
    };
  }

  private Schema schema(Path file) {
    return schemas.computeIfAbsent(file, f -> {
      try {
        return REGISTRY.getSchema(Files.readString(f), InputFormat.JSON);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
