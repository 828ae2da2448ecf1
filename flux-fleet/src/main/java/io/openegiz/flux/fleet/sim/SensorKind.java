package io.openegiz.flux.fleet.sim;

import java.util.Locale;

/** The three kinds of ESP32 sensor in the fleet, with their topic level and device-id suffix. */
public enum SensorKind {
  /** A three-phase meter on an oven or a mixer. */
  ELECTRICAL("electrical", "elec"),
  /** The zone thermometers and thermostat of an oven. */
  THERMAL("thermal", "therm"),
  /** The climate of a factory zone; published under the {@code ambient} level, as in docs/topics.md. */
  ENVIRONMENTAL("ambient", "env");

  private final String topicLevel;
  private final String idSuffix;

  SensorKind(String topicLevel, String idSuffix) {
    this.topicLevel = topicLevel;
    this.idSuffix = idSuffix;
  }

  /** The {@code {sensor_type}} level of the device's topics. */
  public String topicLevel() {
    return topicLevel;
  }

  /** The last part of the device id, e.g. {@code elec} in {@code esp32-oven001-elec}. */
  public String idSuffix() {
    return idSuffix;
  }

  /** Accepts the lower-case name, e.g. {@code thermal}. */
  public static SensorKind parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown sensor kind \"" + name
          + "\"; accepted: electrical, thermal, environmental", e);
    }
  }
}
