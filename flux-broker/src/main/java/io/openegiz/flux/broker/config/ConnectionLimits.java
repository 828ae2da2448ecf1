package io.openegiz.flux.broker.config;

/**
 * Broker-wide bounds on connections that protect the descriptors and memory of the broker from one
 * identity or one address (issue 8, items 6 and 10). Per-listener caps are in {@link ListenerConfig}.
 *
 * @param maxConnectionsPerIdentity live connections (distinct client ids) one username or certificate
 *     identity may hold; 0 = no limit. Anonymous clients are not counted.
 * @param maxConnectSize largest CONNECT packet accepted, in bytes; refused as soon as its fixed header
 *     announces more, before it is buffered
 * @param maxUnauthenticatedPerAddress connections from one remote address that have not yet received a
 *     successful CONNACK; the excess is closed at accept; 0 = no limit. Loopback addresses are counted
 *     unless auth_exempt_loopback (the login limits' key) exempts them.
 */
public record ConnectionLimits(int maxConnectionsPerIdentity, int maxConnectSize, int maxUnauthenticatedPerAddress) {

  public static final int DEFAULT_MAX_CONNECTIONS_PER_IDENTITY = 1000;
  /** Fits a CONNECT with a will of tens of kilobytes; the spec's status wills are far below 1 KB. */
  public static final int DEFAULT_MAX_CONNECT_SIZE = 64 * 1024;
  public static final int DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS = 64;

  public static final ConnectionLimits DEFAULTS = new ConnectionLimits(DEFAULT_MAX_CONNECTIONS_PER_IDENTITY,
      DEFAULT_MAX_CONNECT_SIZE, DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS);
}
