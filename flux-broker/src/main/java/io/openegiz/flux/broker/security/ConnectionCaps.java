package io.openegiz.flux.broker.security;

import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.openegiz.flux.broker.config.ConnectionLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Caps on connections by where and by whom they come from: connections per remote address that no
 * CONNACK has accepted yet, and live connections per identity (username or certificate identity). A
 * connection gives its place back when it closes. Thread-safe: the boss loop admits, event loops release.
 */
public final class ConnectionCaps {
  private static final AttributeKey<Runnable> UNAUTHENTICATED = AttributeKey.valueOf("flux.unauthenticated");

  private final ConnectionLimits limits;
  private final boolean exemptLoopback;
  private final Map<InetAddress, Integer> unauthenticated = new ConcurrentHashMap<>();
  /** Per identity, the client ids it holds and how many connections hold each (2 during a takeover). */
  private final Map<String, Map<String, Integer>> byIdentity = new ConcurrentHashMap<>();

  /**
   * @param exemptLoopback loopback addresses are not counted as unauthenticated (auth_exempt_loopback)
   */
  public ConnectionCaps(ConnectionLimits limits, boolean exemptLoopback) {
    this.limits = limits;
    this.exemptLoopback = exemptLoopback;
  }

  public ConnectionLimits limits() {
    return limits;
  }

  /**
   * Counts a new connection against its address's unauthenticated connections; false (not counted) when
   * the address is at its cap. The place is given back at CONNACK ({@link #authenticated}) or on close.
   */
  public boolean admitUnauthenticated(Channel ch) {
    int max = limits.maxUnauthenticatedPerAddress();
    if (max == 0 || !(ch.remoteAddress() instanceof InetSocketAddress remote)) {
      return true;
    }
    InetAddress address = remote.getAddress();
    if (exemptLoopback && address.isLoopbackAddress()) {
      return true;
    }
    boolean[] admitted = {false};
    unauthenticated.compute(address, (a, n) -> {
      int held = n == null ? 0 : n;
      if (held >= max) {
        return n;
      }
      admitted[0] = true;
      return held + 1;
    });
    if (admitted[0]) {
      AtomicBoolean once = new AtomicBoolean();
      Runnable release = () -> {
        if (once.compareAndSet(false, true)) {
          unauthenticated.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
        }
      };
      ch.attr(UNAUTHENTICATED).set(release);
      ch.closeFuture().addListener(f -> release.run());
    }
    return admitted[0];
  }

  /** The connection was accepted by a CONNACK: it no longer counts as unauthenticated. */
  public static void authenticated(Channel ch) {
    Runnable release = ch.attr(UNAUTHENTICATED).getAndSet(null);
    if (release != null) {
      release.run();
    }
  }

  /** Connections from {@code address} not yet accepted by a CONNACK. */
  public int unauthenticated(InetAddress address) {
    return unauthenticated.getOrDefault(address, 0);
  }

  /**
   * Takes a place for {@code clientId} of {@code identity} until {@code ch} closes; false when the
   * identity already holds its cap of client ids. A client id the identity already holds takes no new
   * place: it is a takeover, and the old connection is about to go. Anonymous clients (null) are not capped.
   */
  public boolean acquireIdentity(String identity, String clientId, Channel ch) {
    int max = limits.maxConnectionsPerIdentity();
    if (max == 0 || identity == null) {
      return true;
    }
    boolean[] acquired = {false};
    byIdentity.compute(identity, (i, held) -> {
      Map<String, Integer> ids = held == null ? new HashMap<>() : held;
      Integer n = ids.get(clientId);
      if (n == null && ids.size() >= max) {
        return held;
      }
      ids.put(clientId, n == null ? 1 : n + 1);
      acquired[0] = true;
      return ids;
    });
    if (acquired[0]) {
      ch.closeFuture().addListener(f -> releaseIdentity(identity, clientId));
    }
    return acquired[0];
  }

  private void releaseIdentity(String identity, String clientId) {
    byIdentity.computeIfPresent(identity, (i, ids) -> {
      ids.computeIfPresent(clientId, (c, n) -> n <= 1 ? null : n - 1);
      return ids.isEmpty() ? null : ids;
    });
  }
}
