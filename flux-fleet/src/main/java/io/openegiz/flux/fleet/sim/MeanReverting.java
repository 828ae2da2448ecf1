package io.openegiz.flux.fleet.sim;

import java.util.random.RandomGenerator;

/**
 * A slowly drifting quantity: an Ornstein-Uhlenbeck random walk pulled back towards its mean, clamped to a
 * physical range.
 */
public final class MeanReverting {
  private final double mean;
  private final double reversionPerSecond;
  private final double sigmaPerSqrtSecond;
  private final double min;
  private final double max;
  private double value;

  /**
   * @param start              the initial value
   * @param mean               the level the walk returns to
   * @param reversionPerSecond how strongly it returns (1/time constant)
   * @param sigmaPerSqrtSecond the size of the random steps
   * @param min                lowest value ever reported
   * @param max                highest value ever reported
   */
  public MeanReverting(double start, double mean, double reversionPerSecond, double sigmaPerSqrtSecond,
      double min, double max) {
    this.mean = mean;
    this.reversionPerSecond = reversionPerSecond;
    this.sigmaPerSqrtSecond = sigmaPerSqrtSecond;
    this.min = min;
    this.max = max;
    this.value = clamp(start);
  }

  /** Advances by {@code dtSeconds} and returns the new value. */
  public double step(double dtSeconds, RandomGenerator rng) {
    // Exact OU decay keeps the walk stable for any step, from 100 ms to a 60 s interval.
    double decay = Math.exp(-reversionPerSecond * dtSeconds);
    double spread = sigmaPerSqrtSecond * Math.sqrt((1 - decay * decay) / (2 * reversionPerSecond));
    value = clamp(mean + (value - mean) * decay + spread * rng.nextGaussian());
    return value;
  }

  public double value() {
    return value;
  }

  private double clamp(double v) {
    return Math.max(min, Math.min(max, v));
  }
}
