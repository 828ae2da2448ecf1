package io.openegiz.flux.fleet.bench;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one scenario against one broker. Rates are averages over the measured seconds
 * only (warm-up excluded); totals cover the whole run so that loss is judged on every message sent.
 */
public record BenchReport(String label, BenchConfig config, int measuredSeconds, double offeredPerSecond,
    double sentPerSecond, double ackedPerSecond, double deliveredPerSecond, LatencySummary latency, Totals totals,
    boolean drained, List<Sample> samples, LatencySummary connect) {

  /** Averages the measured (non-warm-up) samples into per-second rates. */
  public static BenchReport aggregate(String label, BenchConfig config, List<Sample> samples, LatencySummary latency,
      Totals totals, boolean drained) {
    List<Sample> measured = samples.stream().filter(s -> !s.warmup()).toList();
    int n = measured.size();
    double offered = 0;
    double sent = 0;
    double acked = 0;
    double delivered = 0;
    for (Sample s : measured) {
      offered += s.offered();
      sent += s.sent();
      acked += s.acked();
      delivered += s.delivered();
    }
    double d = Math.max(1, n);
    return new BenchReport(label, config, n, offered / d, sent / d, acked / d, delivered / d, latency, totals,
        drained, List.copyOf(samples), LatencySummary.of(new org.HdrHistogram.Histogram(3)));
  }

  /** This report with per-connection connect times (connect call to CONNACK, and SUBACK for subscribers). */
  public BenchReport withConnect(LatencySummary times) {
    return new BenchReport(label, config, measuredSeconds, offeredPerSecond, sentPerSecond, ackedPerSecond,
        deliveredPerSecond, latency, totals, drained, samples, times);
  }

  /** True when QoS 1/2 lost nothing: every message sent reached every subscriber. */
  public boolean lossless() {
    return totals.lost() == 0;
  }

  /** How latency was measured, so readers know whether coordinated omission applies. */
  public String latencyMethod() {
    return config.openLoop()
        ? "open loop: latency from each message's scheduled send time (coordinated omission corrected)"
        : "closed loop: latency from actual send time; the window throttles senders, so latency is per-message"
            + " service time under that window (coordinated omission applies)";
  }

  /** A human-readable report. */
  public String text() {
    BenchConfig c = config;
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s: fan-in %d -> %d, QoS %d, %d B, MQTT %s, window %d (%s), rate %s%n",
        label, c.publishers(), c.subscribers(), c.qos(), c.payloadBytes(), c.version().label(), c.window(),
        c.windowScope() == BenchConfig.WindowScope.DELIVERY ? "until delivered" : "until acknowledged",
        c.openLoop() ? c.ratePerSecond() + " msg/s" : "as fast as the window allows"));
    b.append(String.format(Locale.ROOT, "  measured %d s after %d s warm-up%n", measuredSeconds,
        c.warmup().toSeconds()));
    b.append(String.format(Locale.ROOT, "  msg/s   offered %.0f, sent %.0f, acked %.0f, delivered %.0f%n",
        offeredPerSecond, sentPerSecond, ackedPerSecond, deliveredPerSecond));
    b.append(
        String.format(Locale.ROOT, "  totals  sent %d, acked %d, delivered %d, lost %d (%d gaps), duplicates %d%s%n",
            totals.sent(), totals.acked(), totals.delivered(), totals.lost(), totals.gaps(), totals.duplicates(),
            drained ? "" : ", NOT DRAINED (timed out waiting for in-flight messages)"));
    b.append("  latency ").append(latency.describe()).append(System.lineSeparator());
    if (connect.count() > 0) {
      b.append("  connect ").append(connect.describe()).append(System.lineSeparator());
    }
    b.append("  ").append(latencyMethod()).append(System.lineSeparator());
    return b.toString();
  }
}
