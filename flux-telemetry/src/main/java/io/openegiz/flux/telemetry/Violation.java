package io.openegiz.flux.telemetry;

/**
 * One way in which a payload breaks its schema.
 *
 * @param path    the field, e.g. {@code measurements.voltage.a} or {@code measurements.temperature_zones[0].unit};
 *                {@code $} for the payload as a whole
 * @param message what is wrong and what is accepted, e.g. {@code must be a number between 0 and 1000}
 */
public record Violation(String path, String message) {

  @Override
  public String toString() {
    return path + ": " + message;
  }
}
