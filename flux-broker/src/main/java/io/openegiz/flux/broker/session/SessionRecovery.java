package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.store.RecoveredState;
import io.openegiz.flux.broker.store.SessionRecord;
import io.openegiz.flux.broker.store.StoredDelivery;
import io.openegiz.flux.broker.store.WillRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the sessions from what the durable store held at start-up, before the listeners open:
 * sessions with their subscriptions, queues and QoS 2 state, expiry timers and delayed wills.
 */
public final class SessionRecovery {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRecovery.class);

  private SessionRecovery() {}

  /** Restores everything in {@code state} into the registry (whose persistence must be set). */
  public static void restore(RecoveredState state, SessionRegistry registry, DurableSessionPersistence persistence,
      Clock clock) {
    long now = clock.millis();
    List<String> expired = new ArrayList<>();
    Map<String, String> owners = new HashMap<>(); // username by client id, expired sessions included
    int restored = 0;
    for (SessionRecord r : state.sessions()) {
      // A session that was connected when the broker stopped counts as disconnected now.
      long disconnectedAt = r.disconnectedAtMillis() == 0 ? now : r.disconnectedAtMillis();
      SessionRecord asOf = new SessionRecord(r.clientId(), r.protocolVersion(), r.expiryIntervalSeconds(),
          disconnectedAt, r.subscriptions(), r.username());
      persistence.recovered(r.clientId(), r.protocolVersion());
      owners.put(r.clientId(), r.username());
      if (asOf.expiresAtMillis() <= now) {
        expired.add(r.clientId());
        continue;
      }
      Session s = registry.restore(r.clientId(), r.username(), r.expiryIntervalSeconds(), r.subscriptions(),
          asOf.expiresAtMillis());
      s.restore(state.queues().getOrDefault(r.clientId(), List.<StoredDelivery>of()),
          state.inboundQos2().getOrDefault(r.clientId(), Set.of()));
      restored++;
    }
    // Wills first: a session that expired while the broker was down has its will due as well.
    for (WillRecord w : state.wills()) {
      // on behalf of its session's owner; no record: anonymous, which an ACL file grants nothing
      registry.restoreWill(w.clientId(), owners.get(w.clientId()), w.message(), w.dueAtMillis());
    }
    expired.forEach(persistence::ended);
    LOG.info("store: restored {} sessions ({} expired while stopped), {} queued messages, {} retained,"
        + " {} delayed wills", restored, expired.size(), state.queuedCount(), state.retained().size(),
        state.wills().size());
  }
}
