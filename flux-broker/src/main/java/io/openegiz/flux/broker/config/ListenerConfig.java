package io.openegiz.flux.broker.config;

/**
 * One network listener: where it binds and whether it speaks TLS.
 *
 * @param port TCP port; 0 picks a free port (tests)
 * @param bindAddress address to bind, never null ("0.0.0.0" for all interfaces)
 * @param source where it was declared, for messages ("flux.conf:12")
 * @param tls TLS settings, or null for plain MQTT
 * @param allowPlain a plain listener on a non-loopback address was explicitly allowed (allow_plain_listener)
 * @param maxConnections connections this listener holds at most (Mosquitto's max_connections); -1 = unlimited
 */
public record ListenerConfig(int port, String bindAddress, String source, TlsConfig tls, boolean allowPlain,
    int maxConnections) {

  /** Mosquitto's max_connections default: no limit of the listener's own. */
  public static final int UNLIMITED = -1;

  /** A listener without a connection cap. */
  public ListenerConfig(int port, String bindAddress, String source, TlsConfig tls, boolean allowPlain) {
    this(port, bindAddress, source, tls, allowPlain, UNLIMITED);
  }

  /** A plain listener. */
  public ListenerConfig(int port, String bindAddress, String source) {
    this(port, bindAddress, source, null, false);
  }

  /** True when the listener accepts connections only from this machine. */
  public boolean loopbackOnly() {
    return bindAddress.equals("127.0.0.1") || bindAddress.equals("::1") || bindAddress.equals("localhost");
  }

  public boolean isTls() {
    return tls != null;
  }

  /** This listener with TLS settings. */
  public ListenerConfig withTls(TlsConfig t) {
    return new ListenerConfig(port, bindAddress, source, t, allowPlain, maxConnections);
  }

  /** This listener with a connection cap (-1 = unlimited). */
  public ListenerConfig withMaxConnections(int max) {
    return new ListenerConfig(port, bindAddress, source, tls, allowPlain, max);
  }

  /** Human name for logs: "0.0.0.0:8883 (tls)". */
  public String describe() {
    return bindAddress + ":" + port + (tls != null ? " (TLS)" : "");
  }
}
