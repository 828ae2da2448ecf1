package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.ElectricalTelemetry;
import io.openegiz.flux.telemetry.ElectricalTelemetry.Phases;
import io.openegiz.flux.telemetry.ElectricalTelemetry.Total;
import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Telemetry;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * A three-phase meter on a machine: phase voltages near 230 V with a small fixed imbalance and a slow common
 * drift, currents that follow the machine's load profile, a load-dependent power factor, active power as the
 * per-phase sum of V·I·PF, a grid frequency near 50 Hz and an energy register that integrates the power.
 */
public final class ElectricalModel implements SensorModel {
  /** Phase-to-neutral voltage of the European low-voltage grid (IEC 60038). */
  public static final double NOMINAL_VOLTS = 230.0;

  private final RandomGenerator rng;
  private final double ratedAmps;
  private final double[] voltageImbalance = new double[3];
  private final double[] currentImbalance = new double[3];
  private final MeanReverting supplyDeviation;
  private final MeanReverting frequency;
  private final LoadProfile load;
  private double energyKwh;

  /**
   * @param rng       the device's own seeded generator
   * @param ratedAmps the machine's current per phase at full load
   */
  public ElectricalModel(RandomGenerator rng, double ratedAmps) {
    this.rng = rng;
    this.ratedAmps = ratedAmps;
    for (int p = 0; p < 3; p++) {
      voltageImbalance[p] = 0.006 * rng.nextGaussian();
      currentImbalance[p] = 0.02 * rng.nextGaussian();
    }
    // The grid stays within ±5 % of nominal and ±0.2 Hz; both wander over minutes.
    supplyDeviation = new MeanReverting(0, 0, 1 / 120.0, 0.15, -0.05 * NOMINAL_VOLTS, 0.05 * NOMINAL_VOLTS);
    frequency = new MeanReverting(50, 50, 1 / 30.0, 0.005, 49.8, 50.2);
    load = new LoadProfile(rng);
    energyKwh = 1_000 + rng.nextDouble() * 49_000;
  }

  @Override
  public Telemetry sample(DeviceSpec device, Instant at, Metadata metadata, double dtSeconds) {
    double common = supplyDeviation.step(dtSeconds, rng);
    double loadNow = load.step(dtSeconds, rng);
    double[] volts = new double[3];
    double[] amps = new double[3];
    for (int p = 0; p < 3; p++) {
      volts[p] = Rounding.decimals(NOMINAL_VOLTS * (1 + voltageImbalance[p]) + common + 0.2 * rng.nextGaussian(), 1);
      double i = ratedAmps * loadNow * (1 + currentImbalance[p]) + 0.05 * rng.nextGaussian();
      amps[p] = Rounding.decimals(Math.max(0, i), 2);
    }
    // Motors and heater contactors run at a poorer power factor when lightly loaded.
    double pf = Rounding.decimals(clamp(0.78 + 0.16 * loadNow + 0.005 * rng.nextGaussian(), 0.5, 0.99), 2);
    double kw = activePowerKw(volts, amps, pf);
    energyKwh += kw * dtSeconds / 3600.0;
    var measurements = new ElectricalTelemetry.Measurements(Phases.volts(volts[0], volts[1], volts[2]),
        Phases.amperes(amps[0], amps[1], amps[2]), pf, Total.kilowatts(Rounding.decimals(kw, 3)),
        Total.kilowattHours(Rounding.decimals(energyKwh, 3)), Rounding.decimals(frequency.step(dtSeconds, rng), 2));
    return new ElectricalTelemetry(device.device().deviceId(), device.thingId(), at, measurements, metadata);
  }

  /** Active power of a star-connected load: the sum over phases of V·I·PF, in kW. */
  public static double activePowerKw(double[] volts, double[] amps, double powerFactor) {
    double watts = 0;
    for (int p = 0; p < 3; p++) {
      watts += volts[p] * amps[p] * powerFactor;
    }
    return watts / 1000.0;
  }

  private static double clamp(double v, double lo, double hi) {
    return Math.max(lo, Math.min(hi, v));
  }
}
