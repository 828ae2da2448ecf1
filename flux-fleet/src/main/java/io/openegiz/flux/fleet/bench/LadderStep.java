package io.openegiz.flux.fleet.bench;

/**
 * One rung of the ladder: every sensor at {@code hz} messages a second against one freshly started
 * broker, with what it cost the broker and the generator.
 */
public record LadderStep(double hz, BenchReport report, StepResources resources) {
  /** NFR-1: a message reaches the broker and its subscribers within 50 ms at the 99th percentile. */
  public static final long CLEAN_P99_MICROS = 50_000;
  /** At least this share of offered x subscribers must be delivered over the measured window. */
  public static final double CLEAN_DELIVERED_SHARE = 0.98;

  /** Messages a second the step offers into the broker: sensors x rate (the measured rate is in the report). */
  public double offeredIn() {
    return report.config().ratePerSecond();
  }

  /** 0 lost, p99 under 50 ms, and at least 98 % of offered x subscribers delivered. */
  public boolean clean() {
    BenchReport r = report;
    return r.totals().lost() == 0 && r.latency().count() > 0 && r.latency().p99() < CLEAN_P99_MICROS
        && r.deliveredPerSecond() >= CLEAN_DELIVERED_SHARE * r.offeredPerSecond() * r.config().subscribers();
  }

  /** Why the step is not clean, or "clean". */
  public String verdict() {
    if (clean()) {
      return "clean";
    }
    BenchReport r = report;
    StringBuilder why = new StringBuilder();
    if (r.totals().lost() > 0) {
      why.append("lost ").append(r.totals().lost()).append("; ");
    }
    if (r.latency().count() == 0 || r.latency().p99() >= CLEAN_P99_MICROS) {
      why.append("p99 ").append(r.latency().count() == 0 ? "none" : LatencySummary.formatMillis(r.latency().p99()))
          .append(" >= 50 ms; ");
    }
    if (r.deliveredPerSecond() < CLEAN_DELIVERED_SHARE * r.offeredPerSecond() * r.config().subscribers()) {
      why.append(String.format(java.util.Locale.ROOT, "delivered %.1f %% of offered x subscribers (< 98 %%); ",
          100 * r.deliveredPerSecond() / Math.max(1, r.offeredPerSecond() * r.config().subscribers())));
    }
    return why.substring(0, why.length() - 2);
  }
}
