package io.openegiz.flux.fleet.bench;

import org.HdrHistogram.Histogram;

/**
 * Turns the running counters into one {@link Sample} per second and accumulates the latency of the
 * measured seconds. Each interval histogram covers exactly the second it is reported for.
 */
final class SampleClock {
  private final BenchStats stats;
  private final Histogram measured = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
  private Histogram interval;
  private long offered;
  private long sent;
  private long acked;
  private long delivered;

  SampleClock(BenchStats stats) {
    this.stats = stats;
  }

  /** Starts a fresh interval: counts and latencies before this call belong to no sample. */
  void reset() {
    interval = stats.latency.getIntervalHistogram();
    offered = stats.offered.sum();
    sent = stats.sent.sum();
    acked = stats.acked.sum();
    delivered = stats.delivered.sum();
  }

  Sample sample(int second, boolean warmup) {
    long o = stats.offered.sum();
    long s = stats.sent.sum();
    long a = stats.acked.sum();
    long d = stats.delivered.sum();
    interval = stats.latency.getIntervalHistogram(interval);
    if (!warmup) {
      measured.add(interval);
    }
    boolean any = interval.getTotalCount() > 0;
    Sample sample = new Sample(second, warmup, o - offered, s - sent, a - acked, d - delivered,
        any ? interval.getValueAtPercentile(50) : 0, any ? interval.getValueAtPercentile(99) : 0,
        any ? interval.getMaxValue() : 0);
    offered = o;
    sent = s;
    acked = a;
    delivered = d;
    return sample;
  }

  LatencySummary measuredLatency() {
    return LatencySummary.of(measured);
  }
}
