package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Subscription;
import java.util.List;
import java.util.Objects;

/**
 * What the store keeps of a session besides its messages.
 *
 * @param clientId the client id
 * @param protocolVersion 4 for MQTT 3.1.1, 5 for MQTT 5
 * @param expiryIntervalSeconds session expiry interval
 * @param disconnectedAtMillis when the client disconnected (clock millis), or 0 while it is connected
 * @param subscriptions the session's subscriptions
 * @param username the authenticated username the session belongs to, or null; kept so that ACL
 *     checks for a restored, still offline session use the same identity as before the restart
 */
public record SessionRecord(String clientId, int protocolVersion, long expiryIntervalSeconds,
    long disconnectedAtMillis, List<Subscription> subscriptions, String username) {

  /** A session record without a username (anonymous clients). */
  public SessionRecord(String clientId, int protocolVersion, long expiryIntervalSeconds, long disconnectedAtMillis,
      List<Subscription> subscriptions) {
    this(clientId, protocolVersion, expiryIntervalSeconds, disconnectedAtMillis, subscriptions, null);
  }

  public SessionRecord {
    Objects.requireNonNull(clientId, "clientId");
    subscriptions = List.copyOf(subscriptions);
  }

  /** When the session expires (clock millis), or Long.MAX_VALUE while connected or never expiring. */
  public long expiresAtMillis() {
    if (disconnectedAtMillis == 0 || expiryIntervalSeconds >= 0xFFFFFFFFL) {
      return Long.MAX_VALUE;
    }
    return disconnectedAtMillis + expiryIntervalSeconds * 1000;
  }
}
