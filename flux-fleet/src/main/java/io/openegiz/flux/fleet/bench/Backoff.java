package io.openegiz.flux.fleet.bench;

import java.util.random.RandomGenerator;

/**
 * Reconnect delays with full jitter: attempt 0 waits a random 0 to {@code firstMillis}, each further
 * attempt doubles the bound up to {@code maxMillis}, so a fleet thrown off at once does not return at once.
 */
public record Backoff(long firstMillis, long maxMillis) {

  /** The reconnect storm's: 0-1 s, then 0-2 s. */
  public static final Backoff STORM = new Backoff(1_000, 2_000);

  public Backoff {
    if (firstMillis < 1 || maxMillis < firstMillis) {
      throw new IllegalArgumentException("need 1 <= firstMillis <= maxMillis");
    }
  }

  /** The bound of attempt {@code attempt} (0-based). */
  public long boundMillis(int attempt) {
    int shift = Math.min(Math.max(attempt, 0), 30);
    return Math.min(maxMillis, firstMillis << shift);
  }

  /** A random delay in [0, bound] for attempt {@code attempt}. */
  public long delayMillis(int attempt, RandomGenerator random) {
    return random.nextLong(boundMillis(attempt) + 1);
  }
}
