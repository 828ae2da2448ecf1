package io.openegiz.flux.fleet.bench;

import java.time.Duration;

/**
 * One fan-in scenario: P publishers send to their own topic under a common prefix, S subscribers
 * take the whole prefix. A rate of 0 means closed loop: each publisher sends as fast as its window
 * of unacknowledged messages allows.
 */
public record BenchConfig(String host, int port, int publishers, int subscribers, int qos, int payloadBytes,
    long ratePerSecond, Duration duration, Duration warmup, MqttVersion version, int window, int ioThreads,
    String topicPrefix, Duration drainTimeout, WindowScope windowScope) {

  /** Sequence, send time and publisher index fill the first bytes of every payload. */
  public static final int MIN_PAYLOAD = PayloadLayout.HEADER_BYTES;

  public BenchConfig {
    require(port > 0 && port <= 65535, "port must be 1-65535");
    require(publishers >= 1 && publishers <= 10_000, "publishers must be 1-10000");
    require(subscribers >= 1 && subscribers <= 1_000, "subscribers must be 1-1000");
    require(qos >= 0 && qos <= 2, "qos must be 0, 1 or 2");
    require(payloadBytes >= MIN_PAYLOAD && payloadBytes <= 1 << 20,
        "payload must be " + MIN_PAYLOAD + " to 1048576 bytes (the first " + MIN_PAYLOAD + " carry sequence and time)");
    require(ratePerSecond >= 0, "rate must be >= 0 (0 = as fast as the window allows)");
    require(window >= 1 && window <= 65_535, "window must be 1-65535");
    require(ioThreads >= 1 && ioThreads <= 64, "io threads must be 1-64");
    require(!duration.isNegative() && !duration.isZero(), "duration must be > 0");
    require(!warmup.isNegative(), "warmup must be >= 0");
  }

  /** The defaults of {@code flux bench fan-in}: 10 publishers to 1 subscriber, QoS 1, 256 B, closed loop. */
  public static BenchConfig defaults(String host, int port) {
    return new BenchConfig(host, port, 10, 1, 1, 256, 0, Duration.ofSeconds(20), Duration.ofSeconds(5),
        MqttVersion.V3_1_1, 100, 1, "flux-bench", Duration.ofSeconds(10),
        WindowScope.DELIVERY);
  }

  public BenchConfig withPort(int newPort) {
    return new BenchConfig(host, newPort, publishers, subscribers, qos, payloadBytes, ratePerSecond, duration,
        warmup, version, window, ioThreads, topicPrefix, drainTimeout, windowScope);
  }

  /** This scenario with every publisher at {@code hz} messages a second (at least one message a second in all). */
  public BenchConfig withRatePerPublisher(double hz) {
    return new BenchConfig(host, port, publishers, subscribers, qos, payloadBytes,
        Math.max(1, Math.round(publishers * hz)), duration, warmup, version, window, ioThreads, topicPrefix,
        drainTimeout, windowScope);
  }

  public BenchConfig withTiming(Duration newDuration, Duration newWarmup) {
    return new BenchConfig(host, port, publishers, subscribers, qos, payloadBytes, ratePerSecond, newDuration,
        newWarmup, version, window, ioThreads, topicPrefix, drainTimeout, windowScope);
  }

  /**
   * What a publisher's window counts. {@code ACK}: messages not yet acknowledged by the broker, as an
   * MQTT client does; the broker acknowledges on receipt, so nothing stops publishers outrunning the
   * subscribers and every broker then queues until it drops. {@code DELIVERY}: messages not yet
   * delivered to the subscribers, an end-to-end closed loop that finds the rate a broker sustains.
   */
  public enum WindowScope { ACK, DELIVERY }

  /** True when publishers send on a schedule rather than whenever the window has room. */
  public boolean openLoop() {
    return ratePerSecond > 0;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
