package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;

/**
 * Thermal telemetry: temperature per heating zone, setpoint and heating element state.
 * Schema: {@code schemas/thermal-telemetry.schema.json}.
 */
@JsonPropertyOrder({"device_id", "thing_id", "timestamp", "sensor_type", "measurements", "metadata"})
@JsonIgnoreProperties(value = "sensor_type", allowGetters = true)
public record ThermalTelemetry(String deviceId, String thingId, Instant timestamp, Measurements measurements,
    Metadata metadata) implements Telemetry {

  @Override
  @JsonProperty("sensor_type")
  public SensorType sensorType() {
    return SensorType.THERMAL;
  }

  /**
   * The thermal readings.
   *
   * @param temperatureZones one reading per zone, at least one
   * @param setpoint         target temperature in {@link Units#CELSIUS}
   * @param heatingActive    whether the heating element is on
   */
  public record Measurements(List<Zone> temperatureZones, double setpoint, boolean heatingActive) {

    /** Copies the zones so that the record stays immutable. */
    public Measurements {
      temperatureZones = List.copyOf(temperatureZones);
    }
  }

  /**
   * The temperature of one zone.
   *
   * @param zone  zone number, from 1
   * @param value temperature
   * @param unit  {@link Units#CELSIUS}
   */
  public record Zone(int zone, double value, String unit) {

    /** A zone temperature in degrees Celsius. */
    public static Zone celsius(int zone, double value) {
      return new Zone(zone, value, Units.CELSIUS);
    }
  }
}
