package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;

/**
 * The codec of the payload records: writes them as the JSON of the PRD and reads JSON back only after it has
 * passed the bundled JSON Schema, so a record read here always honours the contract.
 */
public final class Payloads {
  // Always three fraction digits: the telemetry schema requires milliseconds, and Instant.toString drops them at .000.
  private static final DateTimeFormatter MILLIS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
      .withZone(ZoneOffset.UTC);

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
      .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
      .addModule(new SimpleModule("flux-telemetry")
          .addSerializer(Instant.class, new InstantSerializer())
          .addDeserializer(Instant.class, new InstantDeserializer()))
      .build();

  private static final class Holder {
    // Compiled on first use: a module that only builds topics never pays for the schemas.
    static final SchemaCatalog SCHEMAS = new SchemaCatalog(MAPPER);
  }

  private Payloads() {
  }

  /** An instant as the payloads write it: UTC, ISO 8601, always three digits of milliseconds (…:00.000Z). */
  public static String timestamp(Instant instant) {
    return MILLIS.format(instant);
  }

  /** The JSON of a payload record ({@link Telemetry}, {@link Status} or {@link Command}); not validated. */
  public static String toJson(Object payload) {
    return MAPPER.writeValueAsString(payload);
  }

  /** The UTF-8 JSON of a payload record, as published on MQTT; not validated. */
  public static byte[] toJsonBytes(Object payload) {
    return MAPPER.writeValueAsBytes(payload);
  }

  /**
   * Reads a payload after checking it against its schema. {@code type} is a payload record, {@link Command}
   * (either kind) or {@link Telemetry} (the schema is chosen by the message's {@code sensor_type}).
   *
   * @throws PayloadException if the JSON is malformed or breaks the schema, naming every faulty field
   */
  public static <T> T fromJson(String json, Class<T> type) {
    return fromJson(json.getBytes(StandardCharsets.UTF_8), type);
  }

  /** Reads a UTF-8 payload as {@link #fromJson(String, Class)} does; the form an MQTT message arrives in. */
  public static <T> T fromJson(byte[] json, Class<T> type) {
    return fromTree(parse(json, type.getSimpleName()), type);
  }

  /**
   * Reads a payload that is already a JSON tree as {@link #fromJson(byte[], Class)} does (validated, then bound):
   * for a reader that parsed it once to look at it first.
   */
  public static <T> T fromTree(JsonNode node, Class<T> type) {
    if (node == null || node.isMissingNode()) {
      throw new PayloadException(type.getSimpleName(),
          List.of(new Violation("$", "is empty; a JSON object is required")));
    }
    PayloadType payloadType = type == Telemetry.class ? telemetryType(node) : PayloadType.of(type);
    requireValid(payloadType, node);
    Object payload = MAPPER.treeToValue(node, payloadType.javaType());
    if (!type.isInstance(payload)) {
      // A valid command of the other kind, e.g. ota read as SetInterval.
      throw new PayloadException(type.getSimpleName(), List.of(new Violation("command",
          "is \"" + node.get("command").asString() + "\", not a " + type.getSimpleName())));
    }
    return type.cast(payload);
  }

  /** Reads telemetry of any sensor type, choosing the schema by its {@code sensor_type}. */
  public static Telemetry telemetryFromJson(byte[] json) {
    return fromJson(json, Telemetry.class);
  }

  /** Every violation of {@code json} against the schema of {@code type}; empty when it is valid. */
  public static List<Violation> validate(String json, PayloadType type) {
    try {
      return Holder.SCHEMAS.check(type, parse(json.getBytes(StandardCharsets.UTF_8), type.name()));
    } catch (PayloadException e) {
      return e.violations();
    }
  }

  private static void requireValid(PayloadType type, JsonNode node) {
    List<Violation> violations = Holder.SCHEMAS.check(type, node);
    if (!violations.isEmpty()) {
      throw new PayloadException(type.name().toLowerCase(Locale.ROOT), violations);
    }
  }

  private static PayloadType telemetryType(JsonNode node) {
    SensorType sensorType = node.isObject() ? SensorType.of(node.path("sensor_type").asString(null)) : null;
    if (sensorType == null) {
      throw new PayloadException("telemetry", List.of(new Violation("sensor_type",
          "must be one of \"electrical\", \"thermal\", \"environmental\"")));
    }
    return sensorType.payloadType();
  }

  private static JsonNode parse(byte[] json, String what) {
    try {
      JsonNode node = MAPPER.readTree(json);
      if (node == null || node.isMissingNode()) {
        throw new PayloadException(what, List.of(new Violation("$", "is empty; a JSON object is required")));
      }
      return node;
    } catch (JacksonException e) {
      throw new PayloadException(what, List.of(notJson(e)));
    }
  }

  private static Violation notJson(JacksonException e) {
    return new Violation("$", "is not valid JSON: " + e.getOriginalMessage());
  }

  private static final class InstantSerializer extends ValueSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializationContext context) {
      gen.writeString(MILLIS.format(value));
    }
  }

  private static final class InstantDeserializer extends ValueDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser parser, DeserializationContext context) {
      return Instant.parse(parser.getString());
    }
  }
}
