package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * Electrical telemetry: per-phase voltage and current, power factor, active power, optional energy, frequency.
 * Schema: {@code schemas/electrical-telemetry.schema.json}.
 */
@JsonPropertyOrder({"device_id", "thing_id", "timestamp", "sensor_type", "measurements", "metadata"})
@JsonIgnoreProperties(value = "sensor_type", allowGetters = true)
public record ElectricalTelemetry(String deviceId, String thingId, Instant timestamp, Measurements measurements,
    Metadata metadata) implements Telemetry {

  @Override
  @JsonProperty("sensor_type")
  public SensorType sensorType() {
    return SensorType.ELECTRICAL;
  }

  /**
   * The electrical readings.
   *
   * @param voltage     per phase, in {@link Units#VOLT}
   * @param current     per phase, in {@link Units#AMPERE}
   * @param powerFactor -1..1
   * @param activePower over all phases, in {@link Units#KILOWATT}
   * @param energy      meter reading in {@link Units#KILOWATT_HOUR}, or {@code null} if the meter has none
   * @param frequency   grid frequency in Hz
   */
  @JsonPropertyOrder({"voltage", "current", "power_factor", "active_power", "energy", "frequency"})
  public record Measurements(Phases voltage, Phases current, double powerFactor, Total activePower,
      Total energy, double frequency) {
  }

  /**
   * One value per phase of a three-phase supply.
   *
   * @param a    phase A
   * @param b    phase B
   * @param c    phase C
   * @param unit {@link Units#VOLT} or {@link Units#AMPERE}
   */
  public record Phases(double a, double b, double c, String unit) {

    /** Phase voltages in volts. */
    public static Phases volts(double a, double b, double c) {
      return new Phases(a, b, c, Units.VOLT);
    }

    /** Phase currents in amperes. */
    public static Phases amperes(double a, double b, double c) {
      return new Phases(a, b, c, Units.AMPERE);
    }
  }

  /**
   * A total over all phases.
   *
   * @param total the value
   * @param unit  {@link Units#KILOWATT} or {@link Units#KILOWATT_HOUR}
   */
  public record Total(double total, String unit) {

    /** Active power in kilowatts. */
    public static Total kilowatts(double total) {
      return new Total(total, Units.KILOWATT);
    }

    /** Energy in kilowatt-hours. */
    public static Total kilowattHours(double total) {
      return new Total(total, Units.KILOWATT_HOUR);
    }
  }
}
