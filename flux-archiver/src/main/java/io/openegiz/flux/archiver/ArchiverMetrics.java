package io.openegiz.flux.archiver;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The archiver's counters and gauges, readable from any thread; what {@code flux archive} prints each second and
 * what a metrics endpoint in the same process can serve.
 */
public final class ArchiverMetrics {
  private final LongAdder messagesReceived = new LongAdder();
  private final LongAdder messagesAcked = new LongAdder();
  private final LongAdder pointsWritten = new LongAdder();
  private final LongAdder batches = new LongAdder();
  private final LongAdder retries = new LongAdder();
  private final LongAdder deadLetters = new LongAdder();
  private final LongAdder ignored = new LongAdder();
  private final LongAdder receiveTimeUsed = new LongAdder();
  private final AtomicLong pointsInFlight = new AtomicLong();
  private final AtomicLong lastBatchMillis = new AtomicLong();
  private final AtomicLong batchStartNanos = new AtomicLong();

  /** MQTT messages taken from the broker. */
  public long messagesReceived() {
    return messagesReceived.sum();
  }

  /** Messages acknowledged to the broker (written, dead-lettered or not archived by design). */
  public long messagesAcked() {
    return messagesAcked.sum();
  }

  /** Points the database acknowledged (HTTP 204), counting rewrites after a bisection. */
  public long pointsWritten() {
    return pointsWritten.sum();
  }

  /** Batches written. */
  public long batches() {
    return batches.sum();
  }

  /** Write attempts that failed and were retried (5xx, 429/503, connection errors). */
  public long retries() {
    return retries.sum();
  }

  /** Dead-letter records: invalid payloads and points the database refused. */
  public long deadLetters() {
    return deadLetters.sum();
  }

  /** Messages not archived by design: commands and command responses. */
  public long ignored() {
    return ignored.sum();
  }

  /** Messages without a timestamp, stored at their receive time. */
  public long receiveTimeUsed() {
    return receiveTimeUsed.sum();
  }

  /** Points received but not yet acknowledged: the backlog, at most max_in_flight. */
  public long pointsInFlight() {
    return pointsInFlight.get();
  }

  /** Milliseconds from the start of the last batch's first write to its acknowledgement. */
  public long lastBatchMillis() {
    return lastBatchMillis.get();
  }

  /**
   * The batch latency to show at {@code nowNanos} ({@link System#nanoTime}): the last batch's, or the current
   * batch's time so far when it is longer — a database that is down shows as a batch that takes ever longer.
   */
  public long batchMillis(long nowNanos) {
    long started = batchStartNanos.get();
    long current = started == 0 ? 0 : TimeUnit.NANOSECONDS.toMillis(nowNanos - started);
    return Math.max(lastBatchMillis.get(), current);
  }

  void received(boolean receiveTime) {
    messagesReceived.increment();
    if (receiveTime) {
      receiveTimeUsed.increment();
    }
  }

  void ignoredOne() {
    ignored.increment();
  }

  /** For the pipeline package. */
  public void inFlight(long delta) {
    pointsInFlight.addAndGet(delta);
  }

  /** For the pipeline package. */
  public void written(long points) {
    pointsWritten.add(points);
  }

  /** For the pipeline package. */
  public void retried() {
    retries.increment();
  }

  /** For the pipeline package. */
  public void deadLettered() {
    deadLetters.increment();
  }

  /** For the pipeline package: a batch's first write starts at {@code nanos} ({@link System#nanoTime}). */
  public void batchStarted(long nanos) {
    batchStartNanos.set(nanos);
  }

  /** For the pipeline package. */
  public void batchDone(int messages, long millis) {
    batches.increment();
    messagesAcked.add(messages);
    lastBatchMillis.set(millis);
    batchStartNanos.set(0);
  }
}
