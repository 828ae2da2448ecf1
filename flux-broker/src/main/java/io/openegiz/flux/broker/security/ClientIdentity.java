package io.openegiz.flux.broker.security;

import java.net.SocketAddress;

/**
 * Who a connection is, once authenticated: the subject of authorisation decisions.
 *
 * @param clientId MQTT client identifier
 * @param username authenticated user name, or null for anonymous clients
 * @param remoteAddress where the connection comes from
 * @param listener the listener that accepted it ("127.0.0.1:1883")
 */
public record ClientIdentity(String clientId, String username, SocketAddress remoteAddress, String listener) {

  /**
   * Whom per-identity quotas and the publish rate are counted against: the username, or the client id
   * of an anonymous client. The client id is prefixed with NUL, which no MQTT string may contain
   * [MQTT-1.5.4-2], so an anonymous client id never shares a count with a user of the same name.
   */
  public String quotaOwner() {
    return username != null ? username : "\0" + clientId;
  }

  /** The quota owner as written in logs and audit lines: the username, or the anonymous client id. */
  public static String printable(String quotaOwner) {
    return quotaOwner.startsWith("\0") ? "client " + quotaOwner.substring(1) : quotaOwner;
  }
}
