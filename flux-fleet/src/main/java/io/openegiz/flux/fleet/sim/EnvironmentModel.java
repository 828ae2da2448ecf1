package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.EnvironmentalTelemetry;
import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Telemetry;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * A factory zone's climate: temperature, humidity, pressure and CO₂ each drift as a mean-reverting random walk
 * inside a plausible indoor range, with time constants of minutes (temperature) to an hour (pressure).
 */
public final class EnvironmentModel implements SensorModel {
  private final RandomGenerator rng;
  private final MeanReverting temperature;
  private final MeanReverting humidity;
  private final MeanReverting pressure;
  private final MeanReverting co2;

  /** A zone whose means are spread a little from zone to zone. */
  public EnvironmentModel(RandomGenerator rng) {
    this.rng = rng;
    double t = 22 + rng.nextDouble() * 4;
    double h = 40 + rng.nextDouble() * 15;
    double p = 1005 + rng.nextDouble() * 15;
    double c = 450 + rng.nextDouble() * 300;
    temperature = new MeanReverting(t, t, 1 / 600.0, 0.03, 10, 40);
    humidity = new MeanReverting(h, h, 1 / 900.0, 0.08, 15, 85);
    pressure = new MeanReverting(p, p, 1 / 3600.0, 0.02, 950, 1060);
    co2 = new MeanReverting(c, c, 1 / 900.0, 3.0, 380, 5000);
  }

  @Override
  public Telemetry sample(DeviceSpec device, Instant at, Metadata metadata, double dtSeconds) {
    var measurements = EnvironmentalTelemetry.Measurements.of(
        Rounding.decimals(temperature.step(dtSeconds, rng), 1),
        Rounding.decimals(humidity.step(dtSeconds, rng), 1),
        Rounding.decimals(pressure.step(dtSeconds, rng), 2),
        Math.rint(co2.step(dtSeconds, rng)));
    return new EnvironmentalTelemetry(device.device().deviceId(), device.thingId(), at, measurements, metadata);
  }
}
