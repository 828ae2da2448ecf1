package io.openegiz.flux.broker;

import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.config.SecurityConfig;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.routing.Message;
import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.routing.Router;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.session.SessionRegistry;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the session layer publishes wills: a retained will counts against the retained quotas like a
 * retained PUBLISH of its client's identity (issue 8, item 3), so that connecting and dropping with a
 * retained will on a new topic each time cannot grow the retained set. A will beyond a quota is
 * dropped whole, as a PUBLISH would be, audited and counted. The identity is the will's session's;
 * its quotas are the user's ({@code limits_for_user}), as the listener is no longer known.
 */
final class RetainedWills implements Consumer<Message> {
  private static final Logger LOG = LoggerFactory.getLogger(RetainedWills.class);

  private final Router router;
  private final SecurityConfig config;
  private final AuditLog audit;
  private final BrokerMetrics metrics;
  private volatile SessionRegistry sessions;
  private volatile RetainedQuota quota;

  RetainedWills(Router router, SecurityConfig config, AuditLog audit, BrokerMetrics metrics) {
    this.router = router;
    this.config = config;
    this.audit = audit;
    this.metrics = metrics;
  }

  /** Connects the sessions and the quota, once both exist; wills before that are not counted. */
  void bind(SessionRegistry registry, RetainedQuota retainedQuota) {
    this.sessions = registry;
    this.quota = retainedQuota;
  }

  @Override
  public void accept(Message will) {
    RetainedQuota q = quota;
    if (!will.retain() || q == null) {
      router.publish(will);
      return;
    }
    Session s = sessions.get(will.publisherId());
    ClientIdentity id = s == null ? null : s.identity();
    String owner = id == null ? RetainedQuota.RESTORED : id.quotaOwner();
    ClientLimits limits = config.limitsFor(0, id == null ? null : id.username());
    RetainedQuota.Refusal r = q.admit(owner, will, limits.maxRetainedMessages(), limits.maxRetainedBytes());
    if (r == RetainedQuota.Refusal.NONE) {
      router.publish(will);
      return;
    }
    metrics.messageDropped(DropReason.QUOTA_EXCEEDED);
    LOG.info("client {}: retained will to {} dropped: {} reached", will.publisherId(), will.topic(), r.key());
    audit.record(AuditLog.Event.QUOTA_EXCEEDED, id == null ? null : id.listener(),
        id == null ? null : id.remoteAddress(),
        will.publisherId(), id == null ? null : id.username(), "refused",
        Map.of("quota", r.key(), "topic", will.topic(),
            "will", true));
  }
}
