package io.openegiz.flux.archiver;

import java.io.PrintStream;
import java.util.Locale;

/** One progress line from two readings of the metrics: rates over the interval and the current gauges. */
public final class Progress {
  private long messages;
  private long points;
  private long last = System.nanoTime();

  /** The line for the interval since the previous call, e.g. for a terminal once a second. */
  public String line(ArchiverMetrics m) {
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - last) / 1e9);
    long received = m.messagesReceived();
    long written = m.pointsWritten();
    String line = String.format(Locale.ROOT,
        "archive: %,.0f msg/s  %,.0f points/s  batch %d ms  backlog %,d points  retries %,d  dead letters %,d",
        (received - messages) / seconds, (written - points) / seconds, m.lastBatchMillis(), m.pointsInFlight(),
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
