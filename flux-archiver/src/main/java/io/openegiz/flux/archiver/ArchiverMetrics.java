package io.openegiz.flux.archiver;

import io.prometheus.metrics.core.metrics.Histogram;
import java.util.Locale;
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
  private final LongAdder[] deadLettersBy = new LongAdder[DeadLetter.values().length];
  private final Histogram batchDuration = Histogram.builder().name("flux_archiver_batch_duration_seconds")
      .help("a batch from its first write to its acknowledgement").classicOnly()
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
      .withoutExemplars().build();
  private volatile boolean sinkUp = true;

  /** Why a message went to the dead letters ({@code flux_archiver_dead_letters_total}). */
  public enum DeadLetter {
    INVALID_PAYLOAD, INVALID_TOPIC, REFUSED, ARCHIVER_ERROR;

    /** The label value: the name in lower case. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The reason of a rejection made before writing: the mapper's "topic: ..." is a bad topic, a point older
     * than retention_raw is one the database would not keep, the archiver's own failures are errors.
     */
    public static DeadLetter of(String rejection) {
      if (rejection.startsWith("topic: ")) {
        return INVALID_TOPIC;
      }
      if (rejection.startsWith("older than retention_raw")) {
        return REFUSED;
      }
      if (rejection.startsWith("archiver error") || rejection.startsWith("cannot be written as line protocol")) {
        return ARCHIVER_ERROR;
      }
      return INVALID_PAYLOAD;
    }
  }

  public ArchiverMetrics() {
    for (int i = 0; i < deadLettersBy.length; i++) {
      deadLettersBy[i] = new LongAdder();
    }
  }

  /** Dead-letter records for one reason. */
  public long deadLetters(DeadLetter reason) {
    return deadLettersBy[reason.ordinal()].sum();
  }

  /** False from a failed write attempt until the next write succeeds. */
  public boolean sinkUp() {
    return sinkUp;
  }

  /** Batch durations, for {@code /metrics}. */
  public Histogram batchDuration() {
    return batchDuration;
  }

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
    sinkUp = true;
    pointsWritten.add(points);
  }

  /** For the pipeline package. */
  public void retried() {
    sinkUp = false;
    retries.increment();
  }

  /** For the pipeline package. */
  public void deadLettered(DeadLetter reason) {
    deadLettersBy[reason.ordinal()].increment();
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
    batchDuration.observe(millis / 1000.0);
    batchStartNanos.set(0);
  }
}
