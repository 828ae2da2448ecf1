package io.openegiz.flux.broker.metrics;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;

/**
 * A classic Prometheus histogram of durations for the per-message path, on {@link StripedCounters}: an observation
 * is a walk of the bucket bounds (in nanoseconds, as longs) and two thread-local stores, where the Prometheus
 * client's {@code Histogram.observe} costs several atomic operations shared by every thread (measured by
 * {@code MetricsPathBenchmark}: about 75 ns per observation from two threads). Exported as a histogram in seconds
 * with the bounds of {@link Latency#BUCKETS}.
 */
public final class StripedHistogram implements Collector {
  private final String name;
  private final String help;
  private final double[] bounds;
  private final long[] boundNanos;
  /** Counters 0..n-1: observations per bucket (not cumulative), the last one +Inf; counter n: the sum in nanos. */
  private final StripedCounters counters;
  private final int sumIndex;

  /** @param bounds upper bounds in seconds, ascending, without +Inf */
  public StripedHistogram(String name, String help, double[] bounds) {
    this.name = name;
    this.help = help;
    this.bounds = new double[bounds.length + 1];
    this.boundNanos = new long[bounds.length];
    for (int i = 0; i < bounds.length; i++) {
      this.bounds[i] = bounds[i];
      this.boundNanos[i] = Math.round(bounds[i] * 1e9);
    }
    this.bounds[bounds.length] = Double.POSITIVE_INFINITY;
    this.sumIndex = bounds.length + 1;
    this.counters = new StripedCounters(sumIndex + 1);
  }

  /** Records a duration of {@code nanos} nanoseconds. */
  public void observe(long nanos) {
    int i = 0;
    while (i < boundNanos.length && nanos > boundNanos[i]) {
      i++;
    }
    counters.increment(i);
    counters.add(sumIndex, nanos);
  }

  /** Observations so far. */
  public long count() {
    return counters.sum(0, sumIndex);
  }

  @Override
  public String getPrometheusName() {
    return name;
  }

  @Override
  public MetricSnapshot collect() {
    long[] perBucket = new long[bounds.length];
    for (int i = 0; i < perBucket.length; i++) {
      perBucket[i] = counters.sum(i);
    }
    return HistogramSnapshot.builder().name(name).help(help)
        .dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder()
            .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, perBucket))
            .sum(counters.sum(sumIndex) / 1e9).build())
        .build();
  }
}
