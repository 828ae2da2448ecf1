package io.openegiz.flux.fleet.bench;

import java.time.Duration;

/** The reconnect storm: {@code clients} keep sessions on one broker that is killed and restarted. */
public record StormConfig(String host, int port, int clients, MqttVersion version, int connectConcurrency,
    int ioThreads, Duration settleTimeout) {

  /** The spec's load test: clients reconnect within 10 s of a broker restart (NFR-3). */
  public static final Duration TARGET = Duration.ofSeconds(10);

  public StormConfig {
    if (clients < 1 || clients > 100_000 || connectConcurrency < 1 || ioThreads < 1) {
      throw new IllegalArgumentException("clients must be 1-100000, concurrency and io threads >= 1");
    }
  }

  public StormConfig withPort(int newPort) {
    return new StormConfig(host, newPort, clients, version, connectConcurrency, ioThreads, settleTimeout);
  }
}
