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

  private double percent(long cpuNanos) {
    return windowNanos <= 0 || cpuNanos < 0 ? 0 : 100.0 * cpuNanos / windowNanos;
  }

  private double perMessage(long cpuNanos) {
    return messagesIn <= 0 || cpuNanos < 0 ? 0 : cpuNanos / 1_000.0 / messagesIn;
  }
}
