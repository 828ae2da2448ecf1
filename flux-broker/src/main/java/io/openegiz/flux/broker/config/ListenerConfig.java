package io.openegiz.flux.broker.config;

/**
 * One network listener: where it binds. Security settings for TLS listeners join this record
 * in the security issue.
 *
 * @param port TCP port; 0 picks a free port (tests)
 * @param bindAddress address to bind, never null ("0.0.0.0" for all interfaces)
 * @param source where it was declared, for messages ("flux.conf:12")
 */
public record ListenerConfig(int port, String bindAddress, String source) {

  /** True when the listener accepts connections only from this machine. */
  public boolean loopbackOnly() {
    return bindAddress.equals("127.0.0.1") || bindAddress.equals("::1") || bindAddress.equals("localhost");
  }
}
