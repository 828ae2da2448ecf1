package io.openegiz.flux.archiver.pipeline;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the log says about a database that fails: a warning when writes fail (at most every 5 s), a line when the
 * database takes writes again, and one when the backlog held meanwhile is written. Used by the writer thread only.
 */
final class Outage {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final long WARN_EVERY = TimeUnit.SECONDS.toNanos(5);

  private long since;
  private long retries;
  private long lastWarning;
  private long backAt;
  private long writtenWhenBack;

  /** A write failed and will be retried after {@code wait}; {@code held} points wait for it. */
  void failed(String why, Duration wait, long held) {
    long now = System.nanoTime();
    if (since == 0) {
      since = now;
      retries = 0;
    }
    retries++;
    if (lastWarning == 0 || now - lastWarning > WARN_EVERY) {
      lastWarning = now;
      LOG.warn("write failed ({}); retrying in {} ms, {} points held, nothing acknowledged", why, wait.toMillis(),
          held);
    }
  }

  /** A write went through; {@code written} is the points written since start, {@code held} those still waiting. */
  void written(long written, long held) {
    if (since != 0) {
      long now = System.nanoTime();
      LOG.info("database back after {} s and {} retries; catching up with {} points held",
          TimeUnit.NANOSECONDS.toSeconds(now - since), retries, held);
      since = 0;
      lastWarning = 0;
      backAt = now;
      writtenWhenBack = written;
    }
  }

  /** Nothing waits to be written: after an outage, says how fast the backlog went. */
  void caughtUp(long written) {
    if (backAt != 0 && since == 0) {
      long millis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - backAt));
      long points = written - writtenWhenBack;
      LOG.info("caught up: {} points written in {} ms since the database came back ({} points/s)", points, millis,
          points * 1000 / millis);
      backAt = 0;
    }
  }
}
