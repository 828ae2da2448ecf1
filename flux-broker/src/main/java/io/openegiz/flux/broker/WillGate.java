package io.openegiz.flux.broker;

import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.config.SecurityConfig;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.routing.Router;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.SessionRegistry;
import java.time.Clock;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the session layer publishes due wills, on behalf of the identity that set them (issue 8):
 * <ul>
 *   <li>the owner must still be allowed to publish to the will's topic: the ACL may have been reloaded
 *       since CONNECT, and a delayed will restored from the store was never checked by this process;
 *   <li>a retained will counts against the owner's retained quotas like a retained PUBLISH, so that
 *       connecting and dropping with a retained will on a new topic each time cannot grow the retained
 *       set. Its quotas are the user's ({@code limits_for_user}): the listener port is not known here.
 * </ul>
 * A will that fails either is dropped whole, as a PUBLISH would be, audited and counted.
 */
final class WillGate implements Consumer<SessionRegistry.Will> {
  private static final Logger LOG = LoggerFactory.getLogger(WillGate.class);

  private final Authorizer authorizer;
  private final SecurityConfig config;
  private final AuditLog audit;
  private final BrokerMetrics metrics;
  private final Clock clock;
  private volatile Router router;
  private volatile RetainedQuota quota;

  WillGate(Authorizer authorizer, SecurityConfig config, AuditLog audit, BrokerMetrics metrics, Clock clock) {
    this.clock = clock;
    this.authorizer = authorizer;
    this.config = config;
    this.audit = audit;
    this.metrics = metrics;
  }

  /**
   * Connects the router and the retained quota, which are made after the sessions (the router looks
   * sessions up); call before any will can fall due.
   */
  void bind(Router publishTo, RetainedQuota retainedQuota) {
    this.router = publishTo;
    this.quota = retainedQuota;
  }

  @Override
  public void accept(SessionRegistry.Will will) {
    ClientIdentity owner = will.owner();
    Message m = will.publishedAt(clock.millis());
    if (!authorizer.canPublish(owner, m.topic())) {
      metrics.messageDropped(DropReason.NOT_AUTHORIZED);
      metrics.aclDenied(BrokerMetrics.AclAction.WILL);
      LOG.info("client {}: will on {} dropped: its identity may no longer publish there", owner.clientId(),
          m.topic());
      refused(AuditLog.Event.ACL_DENIED, owner, "denied", Map.of("action", "will", "topic", m.topic(),
          "when", "publish"));
      return;
    }
    RetainedQuota q = quota;
    if (!m.retain() || q == null) {
      router.publish(m);
      return;
    }
    ClientLimits limits = config.limitsFor(0, owner.username());
    RetainedQuota.Refusal r = q.admit(owner.quotaOwner(), m, limits.maxRetainedMessages(), limits.maxRetainedBytes());
    if (r == RetainedQuota.Refusal.NONE) {
      router.publish(m);
      return;
    }
    metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
    metrics.quotaExceeded(r.key());
    LOG.info("client {}: retained will to {} dropped: {} reached", owner.clientId(), m.topic(), r.key());
    refused(AuditLog.Event.QUOTA_EXCEEDED, owner, "refused", Map.of("quota", r.key(), "topic", m.topic(),
        "will", true));
  }

  private void refused(AuditLog.Event event, ClientIdentity owner, String outcome, Map<String, Object> fields) {
    audit.record(event, owner.listener(), owner.remoteAddress(), owner.clientId(), owner.username(), outcome,
        fields);
  }
}
