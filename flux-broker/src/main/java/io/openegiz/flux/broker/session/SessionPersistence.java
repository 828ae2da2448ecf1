package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.store.DiskFullException;
import io.openegiz.flux.broker.store.QueueTarget;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import io.openegiz.flux.broker.message.Delivery;

/**
 * What the session layer writes to disk, and when. {@link #NONE} is {@code persistence false}: every
 * call does nothing and every future is already complete, so the in-memory broker is unchanged. The
 * durable implementation ({@link DurableSessionPersistence}) writes through a
 * {@link io.openegiz.flux.broker.store.DurableStore}; see docs/durability.md for the contract.
 * Only persistent sessions (session expiry &gt; 0) are ever written.
 */
public interface SessionPersistence {

  /** {@code persistence false}. */
  SessionPersistence NONE = new SessionPersistence() {};

  /** An already completed future, the answer of every durable call that has nothing to write. */
  CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * True when a durable call failed because the disk is full, decided by the failure's type: MQTT 5
   * clients are then told 0x97 (quota exceeded) instead of 0x80.
   */
  static boolean diskFull(Throwable failure) {
    return DiskFullException.in(failure);
  }

  /** True when a store is behind this: acknowledgements then wait for its futures. */
  default boolean enabled() {
    return false;
  }

  /** True when messages for this session are stored (persistence on and session expiry &gt; 0). */
  default boolean persistent(Session s) {
    return false;
  }

  /** The session was opened or resumed by a connection speaking this protocol version (4 or 5). */
  default void opened(Session s, int protocolVersion) {}

  /** The session's subscriptions changed; SUBACK/UNSUBACK go out when the future completes. */
  default CompletableFuture<Void> subscriptionsChanged(Session s) {
    return DONE;
  }

  /** The session's connection ended and the session lives on until its expiry. */
  default void disconnected(Session s, long nowMillis) {}

  /** The session ended (clean start, expiry, expiry 0 at disconnect): everything of it goes. */
  default void ended(String clientId) {}

  /** A delayed will starts waiting; it is published at {@code dueAtMillis} unless cancelled. */
  default void willDelayed(String clientId, Message will, long dueAtMillis) {}

  /** A delayed will was published or cancelled. */
  default void willDone(String clientId) {}

  /** A new message id (ids grow: queue order), or 0 when nothing is stored. */
  default long nextMessageId() {
    return 0;
  }

  /** Stores a message for its persistent targets and the publisher's inbound QoS 2 id (0: none). */
  default CompletableFuture<Void> enqueue(long id, Message m, List<QueueTarget> targets, int inboundQos2PacketId) {
    return DONE;
  }

  /** PUBREL came for an inbound QoS 2 id; PUBCOMP goes out when the future completes. */
  default CompletableFuture<Void> releaseInboundQos2(String clientId, int packetId) {
    return DONE;
  }

  /** A stored delivery of this QoS is finished (acknowledged, expired or dropped). */
  default void delivered(String clientId, long id, int qos) {}

  /** Stored deliveries the client acknowledged in one read batch; one store operation for all. */
  default void deliveredAll(String clientId, List<Delivery> deliveries) {
    for (Delivery d : deliveries) {
      delivered(clientId, d.storeId(), d.qos());
    }
  }

  /** A stored QoS 2 delivery is about to be sent with this packet id. */
  default CompletableFuture<Void> markInflight(String clientId, long id, int packetId) {
    return DONE;
  }

  /** PUBREC came for a stored QoS 2 delivery; PUBREL goes out when the future completes. */
  default CompletableFuture<Void> markReleased(String clientId, long id, int packetId) {
    return DONE;
  }
}
