package io.openegiz.flux.telemetry;

import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** The bundled JSON Schemas, compiled once, and the check of a parsed payload against one of them. */
final class SchemaCatalog {
  private final Map<PayloadType, CompiledSchema> schemas = new EnumMap<>(PayloadType.class);
  private final Map<String, CompiledSchema> commandBranches = new LinkedHashMap<>();
  private final String commandNames;

  SchemaCatalog(ObjectMapper mapper) {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (PayloadType type : PayloadType.values()) {
      JsonNode root = read(mapper, type.schemaResource());
      schemas.put(type, new CompiledSchema(root, registry.getSchema(root)));
    }
    // A command is checked against its own branch only: oneOf would report the faults of every
    // branch, and "url is required" means nothing to someone who sent set_interval.
    JsonNode commandRoot = schemas.get(PayloadType.COMMAND).root();
    for (var branch : commandRoot.get("$defs").properties()) {
      ObjectNode root = ((ObjectNode) branch.getValue()).deepCopy();
      root.put("$schema", commandRoot.get("$schema").asString());
      String name = branch.getValue().get("properties").get("command").get("const").asString();
      commandBranches.put(name, new CompiledSchema(root, registry.getSchema(root)));
    }
    commandNames = commandBranches.keySet().stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(", "));
  }

  /** Every violation of {@code payload} against the schema of {@code type}; empty when it is valid. */
  List<Violation> check(PayloadType type, JsonNode payload) {
    if (type == PayloadType.COMMAND) {
      return checkCommand(payload);
    }
    return check(schemas.get(type), payload);
  }

  private List<Violation> checkCommand(JsonNode payload) {
    if (!payload.isObject()) {
      return List.of(new Violation("$", "must be an object"));
    }
    JsonNode command = payload.get("command");
    if (command == null) {
      return List.of(new Violation("command", "is required; one of " + commandNames));
    }
    CompiledSchema branch = command.isString() ? commandBranches.get(command.asString()) : null;
    if (branch == null) {
      return List.of(new Violation("command", "must be one of " + commandNames));
    }
    return check(branch, payload);
  }

  private static List<Violation> check(CompiledSchema schema, JsonNode payload) {
    List<Violation> violations = new ArrayList<>();
    for (var error : schema.schema().validate(payload)) {
      Violation violation = ViolationMessages.of(schema.root(), error);
      if (!violations.contains(violation)) {
        violations.add(violation);
      }
    }
    return violations;
  }

  private static JsonNode read(ObjectMapper mapper, String resource) {
    try (InputStream in = SchemaCatalog.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("schema " + resource + " is not on the classpath");
      }
      return mapper.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read schema " + resource, e);
    }
  }

  private record CompiledSchema(JsonNode root, Schema schema) {
  }
}
