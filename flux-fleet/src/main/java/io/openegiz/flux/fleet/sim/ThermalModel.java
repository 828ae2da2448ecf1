package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Telemetry;
import io.openegiz.flux.telemetry.ThermalTelemetry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * An oven with several heating zones and one heating element under an on/off thermostat: each zone is a
 * first-order system that rises towards its full-power temperature while the element is on and falls back
 * to ambient while it is off; the element switches on below setpoint − hysteresis and off above setpoint +
 * hysteresis, measured on the mean of the zones.
 */
public final class ThermalModel implements SensorModel {
  /** Half the thermostat's dead band, in °C. */
  public static final double HYSTERESIS = 2.0;
  private static final double AMBIENT = 25.0;
  private static final double[] SETPOINTS = {180, 190, 200, 220};

  private final RandomGenerator rng;
  private final double setpoint;
  private final double[] zones;
  private final double[] timeConstants;
  private final double[] fullPowerRise;
  private boolean heating;

  /**
   * @param rng       the device's own seeded generator
   * @param zoneCount heating zones, 1..64
   */
  public ThermalModel(RandomGenerator rng, int zoneCount) {
    this.rng = rng;
    this.setpoint = SETPOINTS[rng.nextInt(SETPOINTS.length)];
    zones = new double[zoneCount];
    timeConstants = new double[zoneCount];
    fullPowerRise = new double[zoneCount];
    for (int z = 0; z < zoneCount; z++) {
      timeConstants[z] = 400 + rng.nextDouble() * 300;
      // Full power would settle 40-80 % above the setpoint: the element is sized to recover quickly.
      fullPowerRise[z] = (setpoint - AMBIENT) * (1.4 + rng.nextDouble() * 0.4);
      // A device boots into an oven that is already warm, so cycling shows within a short run.
      zones[z] = setpoint - 15 + rng.nextDouble() * 10;
    }
    heating = true;
  }

  @Override
  public Telemetry sample(DeviceSpec device, Instant at, Metadata metadata, double dtSeconds) {
    step(dtSeconds);
    List<ThermalTelemetry.Zone> readings = new ArrayList<>(zones.length);
    for (int z = 0; z < zones.length; z++) {
      readings.add(ThermalTelemetry.Zone.celsius(z + 1, Rounding.decimals(zones[z] + 0.1 * rng.nextGaussian(), 1)));
    }
    var measurements = new ThermalTelemetry.Measurements(readings, setpoint, heating);
    return new ThermalTelemetry(device.device().deviceId(), device.thingId(), at, measurements, metadata);
  }

  /** Advances the zones by {@code dtSeconds}, then lets the thermostat decide. */
  void step(double dtSeconds) {
    for (int z = 0; z < zones.length; z++) {
      double target = AMBIENT + (heating ? fullPowerRise[z] : 0);
      // Exact solution of dT/dt = (target − T)/τ over the step: stable for any interval.
      zones[z] = target + (zones[z] - target) * Math.exp(-dtSeconds / timeConstants[z]);
    }
    double mean = mean();
    if (heating && mean >= setpoint + HYSTERESIS) {
      heating = false;
    } else if (!heating && mean <= setpoint - HYSTERESIS) {
      heating = true;
    }
  }

  double mean() {
    double sum = 0;
    for (double t : zones) {
      sum += t;
    }
    return sum / zones.length;
  }

  boolean heating() {
    return heating;
  }

  double setpoint() {
    return setpoint;
  }
}
