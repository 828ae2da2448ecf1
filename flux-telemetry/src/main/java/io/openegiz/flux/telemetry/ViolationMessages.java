package io.openegiz.flux.telemetry;

import com.networknt.schema.Error;
import com.networknt.schema.path.NodePath;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Turns a validator error into a violation that names the field and says what is accepted, read from the
 * schema itself so that the message never disagrees with the contract.
 */
final class ViolationMessages {

  private ViolationMessages() {
  }

  static Violation of(JsonNode schemaRoot, Error error) {
    String path = path(error.getInstanceLocation());
    JsonNode subschema = subschema(schemaRoot, error.getSchemaLocation().getFragment());
    String keyword = error.getKeyword() == null ? "" : error.getKeyword();
    return switch (keyword) {
      case "required" -> new Violation(child(path, error.getProperty()), "is required");
      case "additionalProperties" -> new Violation(child(path, error.getProperty()),
          "is not a field here; accepted: " + String.join(", ", propertyNames(subschema)));
      case "type", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "const", "enum",
          "pattern", "format", "minLength", "maxLength", "minItems", "maxItems" ->
        new Violation(path(path), "must be " + expected(subschema));
      default -> new Violation(path(path), error.getMessage());
    };
  }

  /** What a schema accepts, in words: {@code a number between 0 and 1000}, {@code "V"}, … */
  static String expected(JsonNode schema) {
    if (schema.has("const")) {
      return schema.get("const").toString();
    }
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.get("enum").forEach(v -> values.add(v.toString()));
      return "one of " + String.join(", ", values);
    }
    String type = schema.path("type").asString("");
    return switch (type) {
      case "number", "integer" -> (type.equals("number") ? "a number" : "an integer") + range(schema);
      case "string" -> "a string" + (schema.has("description")
          ? ": " + schema.get("description").asString()
          : schema.has("pattern") ? " matching " + schema.get("pattern").asString() : "");
      case "boolean" -> "true or false";
      case "array" -> "an array of " + schema.path("minItems").asInt(0) + " to "
          + (schema.has("maxItems") ? schema.get("maxItems").asString() : "any number of") + " items";
      case "object" -> "an object";
      default -> "as the schema says";
    };
  }

  private static String range(JsonNode schema) {
    boolean min = schema.has("minimum");
    boolean max = schema.has("maximum");
    if (min && max) {
      return " between " + schema.get("minimum") + " and " + schema.get("maximum");
    }
    if (min) {
      return " of at least " + schema.get("minimum");
    }
    return max ? " of at most " + schema.get("maximum") : "";
  }

  /** The schema object that holds the failing keyword: the keyword's location less its last step. */
  private static JsonNode subschema(JsonNode root, NodePath keywordLocation) {
    JsonNode node = root;
    for (int i = 0; i < keywordLocation.getNameCount() - 1; i++) {
      Object step = keywordLocation.getElement(i);
      node = step instanceof Integer index ? node.path(index) : node.path(step.toString());
    }
    return node;
  }

  private static List<String> propertyNames(JsonNode schema) {
    List<String> names = new ArrayList<>();
    schema.path("properties").propertyNames().forEach(names::add);
    return names;
  }

  /** {@code measurements.temperature_zones[0].unit} from the validator's instance location. */
  private static String path(NodePath location) {
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < location.getNameCount(); i++) {
      Object step = location.getElement(i);
      if (step instanceof Integer index) {
        path.append('[').append(index).append(']');
      } else {
        path.append(path.isEmpty() ? "" : ".").append(step);
      }
    }
    return path.toString();
  }

  private static String path(String path) {
    return path.isEmpty() ? "$" : path;
  }

  private static String child(String parent, String name) {
    if (name == null) {
      return path(parent);
    }
    return parent.isEmpty() ? name : parent + "." + name;
  }
}
