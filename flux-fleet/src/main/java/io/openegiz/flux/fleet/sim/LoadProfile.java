package io.openegiz.flux.fleet.sim;

import java.util.random.RandomGenerator;

/**
 * The duty cycle of a machine as a fraction of its rated current: it moves between idle, warm-up and working
 * stages of random length, and the actual load follows the stage's target with a few seconds' lag.
 */
final class LoadProfile {
  private static final double[] STAGE_TARGETS = {0.12, 0.95, 0.65};
  private static final double LAG_SECONDS = 5.0;

  private int stage;
  private double secondsLeft;
  private double load;

  LoadProfile(RandomGenerator rng) {
    stage = rng.nextInt(STAGE_TARGETS.length);
    secondsLeft = stageLength(rng);
    load = STAGE_TARGETS[stage];
  }

  /** Advances by {@code dtSeconds} and returns the load, 0..1. */
  double step(double dtSeconds, RandomGenerator rng) {
    secondsLeft -= dtSeconds;
    if (secondsLeft <= 0) {
      stage = (stage + 1) % STAGE_TARGETS.length;
      secondsLeft = stageLength(rng);
    }
    double target = STAGE_TARGETS[stage];
    load = target + (load - target) * Math.exp(-dtSeconds / LAG_SECONDS);
    double ripple = 0.01 * rng.nextGaussian();
    return Math.max(0.0, Math.min(1.0, load + ripple));
  }

  private static double stageLength(RandomGenerator rng) {
    return 60 + rng.nextDouble() * 540;
  }
}
