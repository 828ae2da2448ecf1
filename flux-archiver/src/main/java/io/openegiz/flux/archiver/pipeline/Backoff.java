package io.openegiz.flux.archiver.pipeline;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Capped exponential backoff with full jitter: a random wait up to min(cap, base × 2^attempt). */
final class Backoff {
  private static final Duration BASE = Duration.ofMillis(100);

  private final Duration cap;
  private int attempt;

  Backoff(Duration cap) {
    this.cap = cap;
  }

  /** The wait before the next attempt. */
  Duration next() {
    long ceiling = Math.min(cap.toMillis(), BASE.toMillis() << Math.min(attempt, 20));
    attempt++;
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(BASE.toMillis(), Math.max(ceiling, 101) + 1));
  }

  /** After a success. */
  void reset() {
    attempt = 0;
  }
}
