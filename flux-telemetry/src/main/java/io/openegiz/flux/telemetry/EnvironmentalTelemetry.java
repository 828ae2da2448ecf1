package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * Environmental telemetry: ambient temperature, humidity, air pressure and CO2 of a factory zone.
 * Schema: {@code schemas/environmental-telemetry.schema.json}.
 */
@JsonPropertyOrder({"device_id", "thing_id", "timestamp", "sensor_type", "measurements", "metadata"})
@JsonIgnoreProperties(value = "sensor_type", allowGetters = true)
public record EnvironmentalTelemetry(String deviceId, String thingId, Instant timestamp, Measurements measurements,
    Metadata metadata) implements Telemetry {

  @Override
  @JsonProperty("sensor_type")
  public SensorType sensorType() {
    return SensorType.ENVIRONMENTAL;
  }

  /**
   * The environmental readings.
   *
   * @param ambientTemperature in {@link Units#CELSIUS}
   * @param humidity           in {@link Units#RELATIVE_HUMIDITY}
   * @param pressure           in {@link Units#HECTOPASCAL}
   * @param co2                in {@link Units#PPM}
   */
  public record Measurements(Reading ambientTemperature, Reading humidity, Reading pressure, Reading co2) {

    /** The four readings from plain numbers in their units. */
    public static Measurements of(double celsius, double relativeHumidity, double hectopascal, double ppm) {
      return new Measurements(new Reading(celsius, Units.CELSIUS),
          new Reading(relativeHumidity, Units.RELATIVE_HUMIDITY),
          new Reading(hectopascal, Units.HECTOPASCAL), new Reading(ppm, Units.PPM));
    }
  }

  /**
   * One value with its unit.
   *
   * @param value the value
   * @param unit  the unit, one of {@link Units}
   */
  public record Reading(double value, String unit) {
  }
}
