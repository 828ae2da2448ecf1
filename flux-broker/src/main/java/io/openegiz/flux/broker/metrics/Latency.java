package io.openegiz.flux.broker.metrics;

import io.prometheus.metrics.core.metrics.Histogram;

/** The latency histograms of docs/metrics.md: one set of buckets, 0.5 ms to 10 s, classic only. */
public final class Latency {
  /** Upper bounds in seconds. */
  public static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
      5, 10};

  private Latency() {}

  /** A histogram not yet registered: the endpoint registers it; until then it only counts. */
  public static Histogram histogram(String name, String help) {
    return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(BUCKETS)
        .withoutExemplars().build();
  }
}
