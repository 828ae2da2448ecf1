package io.openegiz.flux.telemetry;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter, the retry rule of every Flux client: attempt {@code n} (from 0)
 * has the step {@code min(cap, base·2^n)} and waits a random time within it, so a thousand clients that
 * lost the same broker or database do not return in one wave. {@link Jitter#FULL} draws from
 * {@code [0, step]}, {@link Jitter#EQUAL} from {@code [step/2, step]} (never a retry at once).
 *
 * @param base   the step of the first attempt, more than zero
 * @param cap    the largest step, at least {@code base}
 * @param jitter how much of the step is random
 */
public record Backoff(Duration base, Duration cap, Jitter jitter) {

  /** How much of each step is random. */
  public enum Jitter {
    /** Anywhere in {@code [0, step]}: the widest spread. */
    FULL,
    /** In {@code [step/2, step]}: spread, but never a retry at once. */
    EQUAL
  }

  public Backoff {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0 || base.toMillis() < 1) {
      throw new IllegalArgumentException("backoff needs 1 ms <= base <= cap, not " + base + " and " + cap);
    }
  }

  /** The un-jittered step of attempt {@code n} (from 0), in milliseconds; never overflows. */
  public long stepMillis(int n) {
    int shift = Math.min(Math.max(n, 0), 30);
    long step = base.toMillis() << shift;
    return step <= 0 || step > cap.toMillis() ? cap.toMillis() : step;
  }

  /** A random delay for attempt {@code n}, in milliseconds, for callers that count attempts themselves. */
  public long delayMillis(int n, RandomGenerator random) {
    long step = stepMillis(n);
    long low = jitter == Jitter.FULL ? 0 : step / 2;
    return low + random.nextLong(step - low + 1);
  }

  /** A counter of consecutive failures drawing from {@code random}; one per client. */
  public Retries retries(RandomGenerator random) {
    return new Retries(this, random);
  }

  /** Consecutive failed attempts of one client; thread-safe. */
  public static final class Retries {
    private final Backoff backoff;
    private final RandomGenerator random;
    private int attempt;

    private Retries(Backoff backoff, RandomGenerator random) {
      this.backoff = backoff;
      this.random = random;
    }

    /** The delay before the next attempt, in milliseconds; counts the attempt. */
    public synchronized long nextDelayMillis() {
      return backoff.delayMillis(attempt++, random);
    }

    /** The delay before the next attempt; counts the attempt. */
    public Duration next() {
      return Duration.ofMillis(nextDelayMillis());
    }

    /** After a success: the next failure starts from {@code base} again. */
    public synchronized void reset() {
      attempt = 0;
    }

    /** Attempts since the last success. */
    public synchronized int attempts() {
      return attempt;
    }
  }
}
