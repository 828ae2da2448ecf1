package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.store.QueueTarget;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The sessions as the router sees them: found by client id, and where QoS 1/2 messages for the
 * persistent ones are stored. The session layer implements it (the router never imports it).
 */
public interface Subscribers {

  /** The subscriber of a client id, or null. */
  Subscriber get(String clientId);

  /** True when a store is behind the sessions ({@code persistence true}): acknowledgements wait for it. */
  boolean storesMessages();

  /** A new message id (ids grow: queue order), or 0 when nothing is stored. */
  long nextMessageId();

  /** Stores a message for its persistent targets and the publisher's inbound QoS 2 id (0: none). */
  CompletableFuture<Void> enqueue(long id, Message m, List<QueueTarget> targets, int inboundQos2PacketId);
}
