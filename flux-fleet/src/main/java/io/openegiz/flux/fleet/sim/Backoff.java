package io.openegiz.flux.fleet.sim;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Reconnect delays that double from {@code base} up to {@code cap}, each drawn uniformly from the upper half
 * of its step ("equal jitter"), so a thousand devices that lost the same broker do not return in one wave.
 */
public final class Backoff {
  private final long baseMillis;
  private final long capMillis;
  private final RandomGenerator rng;
  private int attempt;

  public Backoff(Duration base, Duration cap, RandomGenerator rng) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("backoff needs 0 < base <= cap, not " + base + " and " + cap);
    }
    this.baseMillis = base.toMillis();
    this.capMillis = cap.toMillis();
    this.rng = rng;
  }

  /** The delay before the next attempt, in milliseconds: within [step/2, step], step = min(cap, base·2^n). */
  public synchronized long nextDelayMillis() {
    long step = ceiling(attempt);
    attempt++;
    long half = step / 2;
    return half + rng.nextLong(step - half + 1);
  }

  /** The un-jittered step of attempt {@code n} (from 0). */
  public long ceiling(int n) {
    int shift = Math.min(n, 30);
    long step = baseMillis << shift;
    return step <= 0 || step > capMillis ? capMillis : step;
  }

  /** Called after a successful connection: the next failure starts from {@code base} again. */
  public synchronized void reset() {
    attempt = 0;
  }

  public synchronized int attempts() {
    return attempt;
  }
}
