package io.openegiz.flux.fleet.bench;

import java.util.Locale;
import org.HdrHistogram.Histogram;

/** End-to-end latency percentiles in microseconds, taken from an HdrHistogram. */
public record LatencySummary(long count, long p50, long p90, long p99, long p999, long max) {

  public static LatencySummary of(Histogram h) {
    if (h.getTotalCount() == 0) {
      return new LatencySummary(0, 0, 0, 0, 0, 0);
    }
    return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50), h.getValueAtPercentile(90),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }

  /** Microseconds as milliseconds with three significant figures or more: 0.412 ms, 12.3 ms, 1530 ms. */
  public static String formatMillis(long micros) {
    double ms = micros / 1000.0;
    if (ms < 1) {
      return String.format(Locale.ROOT, "%.3f ms", ms);
    }
    if (ms < 10) {
      return String.format(Locale.ROOT, "%.2f ms", ms);
    }
    if (ms < 100) {
      return String.format(Locale.ROOT, "%.1f ms", ms);
    }
    return String.format(Locale.ROOT, "%.0f ms", ms);
  }

  /** One line: p50 0.412 ms, p90 ..., max ... (n = count). */
  public String describe() {
    if (count == 0) {
      return "no deliveries";
    }
    return "p50 " + formatMillis(p50) + ", p90 " + formatMillis(p90) + ", p99 " + formatMillis(p99)
        + ", p99.9 " + formatMillis(p999) + ", max " + formatMillis(max) + " (n = " + count + ")";
  }
}
