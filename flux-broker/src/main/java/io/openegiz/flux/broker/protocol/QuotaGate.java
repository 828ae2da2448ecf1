package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.Session;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One connection's view of the quotas of issue 8, item 3: retained messages and bytes, subscriptions
 * per session, persistent sessions per identity. Each refusal is answered with reason code 0x97 by the
 * caller and audited as {@code quota_exceeded}: the first refusal of each quota at once, repeats
 * summed when the connection ends, so a client hammering a full quota cannot flood the audit log.
 * Runs on the connection's event loop.
 */
final class QuotaGate {
  private final MqttConnectionHandler c;
  private final BrokerContext broker;
  private final ClientIdentity identity;
  private final ClientLimits limits;
  /** Refusals per quota key, for the summary when the connection ends. */
  private final Map<String, Integer> refusals = new LinkedHashMap<>();

  QuotaGate(MqttConnectionHandler c, BrokerContext broker, ClientIdentity identity, ClientLimits limits) {
    this.c = c;
    this.broker = broker;
    this.identity = identity;
    this.limits = limits;
  }

  /**
   * Whether a CONNECT may open or keep a persistent session (expiry above 0) under this client id;
   * null when it may, else why not. Counted against the identity's other persistent sessions.
   */
  String persistentSession(long expirySeconds) {
    int max = limits.maxPersistentSessions();
    if (expirySeconds <= 0 || broker.quotas().persistentSessions().admit(identity.quotaOwner(),
        identity.clientId(), max)) {
      return null;
    }
    refused("max_persistent_sessions_per_identity", max, "client_id", identity.clientId());
    return ClientIdentity.printable(identity.quotaOwner()) + " already holds " + max
        + " persistent sessions (max_persistent_sessions_per_identity)";
  }

  /** True when the session may not take one more subscription ({@code key} is not one it has). */
  boolean subscriptionRefused(Session session, String key, String filter) {
    int max = limits.maxSubscriptions();
    if (max <= 0 || session.subscriptions().containsKey(key) || session.subscriptions().size() < max) {
      return false;
    }
    refused("max_subscriptions_per_session", max, "filter", filter);
    return true;
  }

  /** SUCCESS, or QUOTA_EXCEEDED when storing this retained message would exceed a retained quota. */
  byte retained(Message m) {
    ClientLimits l = limits;
    RetainedQuota.Refusal r = broker.quotas().retained().admit(identity.quotaOwner(), m, l.maxRetainedMessages(),
        l.maxRetainedBytes());
    if (r == RetainedQuota.Refusal.NONE) {
      return ReasonCode.SUCCESS;
    }
    broker.metrics().messageDropped(DropReason.QUOTA_EXCEEDED);
    long limit = switch (r) {
      case TOTAL_MESSAGES -> broker.config().security().retainedTotals().maxMessages();
      case TOTAL_BYTES -> broker.config().security().retainedTotals().maxBytes();
      case IDENTITY_MESSAGES -> l.maxRetainedMessages();
      default -> l.maxRetainedBytes();
    };
    if (refused(r.key(), limit, "topic", m.topic())) {
      MqttConnectionHandler.LOG.info("client {}: retained PUBLISH to {} refused: {} {} reached", identity.clientId(),
          m.topic(), r.key(), limit);
    }
    return ReasonCode.QUOTA_EXCEEDED;
  }

  /** Audits the first refusal of a quota at once; true when it was the first. */
  private boolean refused(String quota, long limit, String what, String value) {
    broker.metrics().quotaExceeded(quota);
    Integer n = refusals.merge(quota, 1, Integer::sum);
    if (n == 1) {
      c.audit(identity, AuditLog.Event.QUOTA_EXCEEDED, "refused", Map.of("quota", quota, "limit", limit, what, value));
    }
    return n == 1;
  }

  /** The connection ended: one summary line per quota refused more than once. */
  void close() {
    refusals.forEach((quota, n) -> {
      if (n > 1) {
        c.audit(identity, AuditLog.Event.QUOTA_EXCEEDED, "refused", Map.of("quota", quota, "repeated", n - 1));
      }
    });
  }
}
