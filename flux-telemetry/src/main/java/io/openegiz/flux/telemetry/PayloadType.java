package io.openegiz.flux.telemetry;

/** Each kind of payload with its JSON Schema on the classpath and the record that holds it. */
public enum PayloadType {
  /** Telemetry with {@code sensor_type} electrical. */
  ELECTRICAL_TELEMETRY("electrical-telemetry", ElectricalTelemetry.class),
  /** Telemetry with {@code sensor_type} thermal. */
  THERMAL_TELEMETRY("thermal-telemetry", ThermalTelemetry.class),
  /** Telemetry with {@code sensor_type} environmental. */
  ENVIRONMENTAL_TELEMETRY("environmental-telemetry", EnvironmentalTelemetry.class),
  /** A device's online/offline status. */
  STATUS("status", Status.class),
  /** A command to the devices of one piece of equipment. */
  COMMAND("command", Command.class);

  private final String name;
  private final Class<?> javaType;

  PayloadType(String name, Class<?> javaType) {
    this.name = name;
    this.javaType = javaType;
  }

  /** The classpath resource of the schema, e.g. {@code /schemas/status.schema.json}. */
  public String schemaResource() {
    return "/schemas/" + name + ".schema.json";
  }

  /** The record (or, for commands, sealed interface) that holds this payload. */
  public Class<?> javaType() {
    return javaType;
  }

  /**
   * The payload type whose record is, or is a subtype of, {@code type}.
   *
   * @throws IllegalArgumentException for {@link Telemetry} itself, whose schema depends on the message
   */
  public static PayloadType of(Class<?> type) {
    for (PayloadType payloadType : values()) {
      if (payloadType.javaType.isAssignableFrom(type)) {
        return payloadType;
      }
    }
    throw new IllegalArgumentException(type.getName() + " is not a payload type");
  }
}
