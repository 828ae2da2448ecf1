package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.store.DurableStore;
import io.openegiz.flux.broker.store.QueueTarget;
import io.openegiz.flux.broker.store.SessionRecord;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.openegiz.flux.broker.message.Delivery;

/**
 * {@code persistence true}: sessions, queues, QoS 2 state and delayed wills written through a
 * {@link DurableStore}. Lazy writes (acknowledgements, removals) are fire-and-forget: the store
 * retries them itself. Failures of durable writes reach the caller through the futures.
 */
public final class DurableSessionPersistence implements SessionPersistence {
  private static final Logger LOG = LoggerFactory.getLogger(DurableSessionPersistence.class);

  private final DurableStore store;
  /** Client ids with a session record on disk, with the protocol version stored for them. */
  private final Map<String, Integer> stored = new ConcurrentHashMap<>();

  public DurableSessionPersistence(DurableStore store) {
    this.store = store;
  }

  /** The store underneath. */
  public DurableStore store() {
    return store;
  }

  /** A session recovered at start-up is on disk already. */
  void recovered(String clientId, int protocolVersion) {
    stored.put(clientId, protocolVersion);
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public boolean persistent(Session s) {
    return s.expiryIntervalSeconds() > 0;
  }

  @Override
  public void opened(Session s, int protocolVersion) {
    if (persistent(s)) {
      stored.put(s.clientId(), protocolVersion);
      logFailure(store.putSession(record(s, 0)), "session " + s.clientId());
    } else {
      ended(s.clientId()); // resumed with expiry 0: the session no longer outlives its connection
    }
  }

  @Override
  public CompletableFuture<Void> subscriptionsChanged(Session s) {
    if (!persistent(s) || !stored.containsKey(s.clientId())) {
      return DONE;
    }
    return store.putSession(record(s, 0));
  }

  @Override
  public void disconnected(Session s, long nowMillis) {
    if (persistent(s) && stored.containsKey(s.clientId())) {
      logFailure(store.putSession(record(s, Math.max(1, nowMillis))), "session " + s.clientId());
    }
  }

  @Override
  public void ended(String clientId) {
    if (stored.remove(clientId) != null) {
      store.removeSession(clientId);
    }
  }

  @Override
  public void willDelayed(String clientId, Message will, long dueAtMillis) {
    logFailure(store.putWill(clientId, will, dueAtMillis), "delayed will of " + clientId);
  }

  @Override
  public void willDone(String clientId) {
    store.removeWill(clientId);
  }

  @Override
  public long nextMessageId() {
    return store.nextMessageId();
  }

  @Override
  public CompletableFuture<Void> enqueue(long id, Message m, List<QueueTarget> targets, int inboundQos2PacketId) {
    if (targets.isEmpty() && inboundQos2PacketId == 0) {
      return DONE;
    }
    return store.enqueue(id, m, targets, inboundQos2PacketId);
  }

  @Override
  public CompletableFuture<Void> releaseInboundQos2(String clientId, int packetId) {
    return store.removeInboundQos2(clientId, packetId);
  }

  @Override
  public void delivered(String clientId, long id, int qos) {
    store.ack(clientId, id, qos);
  }

  @Override
  public void deliveredAll(String clientId, List<Delivery> deliveries) {
    long[] ids = new long[deliveries.size()];
    int[] qos = new int[ids.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = deliveries.get(i).storeId();
      qos[i] = deliveries.get(i).qos();
    }
    store.ackAll(clientId, ids, qos);
  }

  @Override
  public CompletableFuture<Void> markInflight(String clientId, long id, int packetId) {
    return store.markInflight(clientId, id, packetId);
  }

  @Override
  public CompletableFuture<Void> markReleased(String clientId, long id, int packetId) {
    return store.markReleased(clientId, id, packetId);
  }

  private SessionRecord record(Session s, long disconnectedAt) {
    int version = stored.getOrDefault(s.clientId(), 5);
    return new SessionRecord(s.clientId(), version, s.expiryIntervalSeconds(), disconnectedAt,
        List.copyOf(s.subscriptions().values()), s.identity() == null ? null : s.identity().username());
  }

  private static void logFailure(CompletableFuture<Void> f, String what) {
    f.whenComplete((v, e) -> {
      if (e != null) {
        LOG.debug("store: {} not written: {}", what, e.toString()); // the store logs the incident once
      }
    });
  }
}
