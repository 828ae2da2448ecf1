package io.openegiz.flux.fleet.bench;

/**
 * What one ladder step cost: the broker's resident memory with every connection open before
 * publishing (idle) and during the measured window (mean and peak of one reading a second), and
 * the CPU time of the broker and of this load generator over the measured window.
 */
public record StepResources(long idleRssKb, long meanRssKb, long peakRssKb, long brokerCpuNanos,
    long generatorCpuNanos, long windowNanos, long messagesIn) {

  /** Broker CPU as a percentage of one core over the measured window. */
  public double brokerCpuPercent() {
    return percent(brokerCpuNanos);
  }

  /** Broker CPU microseconds per message published into it. */
  public double brokerMicrosPerMessage() {
    return perMessage(brokerCpuNanos);
  }

  public double generatorCpuPercent() {
    return percent(generatorCpuNanos);
  }

  public double generatorMicrosPerMessage() {
    return perMessage(generatorCpuNanos);
  }

  /** One line: memory in MB, CPU as % of a core and microseconds per message in. */
  public String describe() {
    return String.format(java.util.Locale.ROOT,
        "broker RSS idle %.0f MB, mean %.0f MB, peak %.0f MB; broker CPU %.0f %% of a core, %.1f us/msg in;"
            + " generator CPU %.0f %%, %.1f us/msg",
        idleRssKb / 1024.0, meanRssKb / 1024.0, peakRssKb / 1024.0, brokerCpuPercent(), brokerMicrosPerMessage(),
        generatorCpuPercent(), generatorMicrosPerMessage());
  }

  private double percent(long cpuNanos) {
    return windowNanos <= 0 || cpuNanos < 0 ? 0 : 100.0 * cpuNanos / windowNanos;
  }

  private double perMessage(long cpuNanos) {
    return messagesIn <= 0 || cpuNanos < 0 ? 0 : cpuNanos / 1_000.0 / messagesIn;
  }
}
