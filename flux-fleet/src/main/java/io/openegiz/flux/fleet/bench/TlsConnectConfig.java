package io.openegiz.flux.fleet.bench;

/**
 * The tls-connect scenario: {@code sequential} clients connect one after another, then {@code clients}
 * connect with at most {@code concurrency} handshakes in progress at once, all staying connected.
 */
public record TlsConnectConfig(String host, int port, int clients, int concurrency, int sequential,
    boolean clientCerts, MqttVersion version, int ioThreads) {

  public TlsConnectConfig {
    if (clients < 1 || clients > 100_000 || concurrency < 1 || sequential < 0 || ioThreads < 1) {
      throw new IllegalArgumentException("clients must be 1-100000, concurrency >= 1, sequential >= 0");
    }
  }

  public TlsConnectConfig withPort(int newPort) {
    return new TlsConnectConfig(host, newPort, clients, concurrency, sequential, clientCerts, version, ioThreads);
  }
}
