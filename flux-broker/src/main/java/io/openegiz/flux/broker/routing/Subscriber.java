package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.message.Subscription;
import java.util.Map;

/**
 * A session as the router sees it: where the deliveries of a publish, and the retained messages of a
 * new subscription, are offered. The session layer implements it; the router holds nothing more.
 */
public interface Subscriber {

  /** What became of an offered message. */
  enum Offer {
    /** Queued. */
    QUEUED,
    /** Queued, but the queue is above its high watermark: the publisher should pause (see {@link #awaitRoom}). */
    QUEUED_UNDER_PRESSURE,
    /** Not queued; counted as a drop. */
    DROPPED
  }

  /** The client id. */
  String clientId();

  /**
   * May the session's identity read a message on {@code topic}: the ACL's answer, remembered per session and topic
   * until the ACL is reloaded or another identity takes the session over (security.AclCache).
   */
  boolean mayReceive(String topic);

  /** True while a connection is attached. */
  boolean online();

  /** True once the session ended: it takes nothing more. */
  boolean ended();

  /** True when messages for it are stored (persistence on and session expiry &gt; 0). */
  boolean persistent();

  /** Its subscriptions by key (share group + filter). */
  Map<String, Subscription> subscriptions();

  /** Queues a message for the client; called from any thread. */
  Offer offer(Delivery d);

  /** True when {@link #offer} would queue {@code d} below the high watermark and the byte bound. */
  boolean hasRoomFor(Delivery d);

  /** Runs {@code resume} once the queue has room again (at once if it already has). */
  void awaitRoom(Runnable resume);
}
