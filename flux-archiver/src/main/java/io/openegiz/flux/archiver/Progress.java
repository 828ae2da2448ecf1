package io.openegiz.flux.archiver;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/** One progress line from two readings of the metrics: rates over the interval and the current gauges. */
public final class Progress {
  private final LongSupplier nanoTime;
  private long messages;
  private long points;
  private long last;

  public Progress() {
    this(System::nanoTime);
  }

  /** With the time source of {@link System#nanoTime}, which tests replace. */
  Progress(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.last = nanoTime.getAsLong();
  }

  /**
   * The line for the interval since the previous call, e.g. for a terminal once a second: messages received and
   * points written per second, the batch latency (the current batch's time so far when it is longer than the last
   * batch's), the backlog, write retries and dead letters so far.
   */
  public String line(ArchiverMetrics m) {
    long now = nanoTime.getAsLong();
    double seconds = Math.max(1e-3, (now - last) / 1e9);
    long received = m.messagesReceived();
    long written = m.pointsWritten();
    String line = String.format(Locale.ROOT,
        "archive: %,.0f msg/s  %,.0f points/s  batch %,d ms  backlog %,d points  retries %,d  dead letters %,d",
        (received - messages) / seconds, (written - points) / seconds, m.batchMillis(now), m.pointsInFlight(),
        m.retries(), m.deadLetters());
    messages = received;
    points = written;
    last = now;
    return line;
  }

  /** Prints {@link #line} to {@code out}. */
  public void print(ArchiverMetrics m, PrintStream out) {
    out.println(line(m));
  }
}
