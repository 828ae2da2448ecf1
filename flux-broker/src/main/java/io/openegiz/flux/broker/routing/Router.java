package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.store.QueueTarget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;

/**
 * Routes a published message to every matching session, and retained messages to new subscriptions.
 * It hands deliveries to {@link Subscribers}, which the session layer implements.
 */
public final class Router {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  private final SubscriptionTree tree;
  private final RetainedStore retained;
  private final Subscribers sessions;
  private final RouteTap tap;

  /** A router; {@code tap} sees every message it routes ({@link RouteTap#NONE}, or the status page's fleet view). */
  public Router(SubscriptionTree tree, RetainedStore retained, Subscribers sessions, RouteTap tap) {
    this.tree = tree;
    this.retained = retained;
    this.sessions = sessions;
    this.tap = tap;
  }

  /** Publishes a message: stores it if retained, and delivers it; returns how many sessions got it. */
  public int publish(Message m) {
    if (sessions.storesMessages() && m.qos() > 0) {
      return route(m, null, 0).delivered(); // wills: stored for persistent subscribers too
    }
    return publish(m, null);
  }

  /**
   * What {@link #route} did: how many sessions got the message, and the future to acknowledge the
   * publisher on (the message and its routing to persistent sessions, and a retained change, are durable).
   */
  public record Routed(int delivered, CompletableFuture<Void> durable) {}

  /**
   * Publishes a QoS 1/2 message with {@code persistence true}: stores it once for every persistent
   * session it goes to (and the publisher's inbound QoS 2 packet id, when not 0) in one atomic write,
   * then offers it to every matching session at once; online delivery does not wait for the disk.
   */
  public Routed route(Message m, Consumer<Subscriber> pressure, int inboundQos2PacketId) {
    tap.routed(m);
    CompletableFuture<Void> retainedDone = m.retain() ? retained.putDurably(m) : DONE;
    Collector c = new Collector(m, pressure);
    c.held = new ArrayList<>();
    tree.match(m.topic(), c);
    c.deliver();
    List<QueueTarget> targets = new ArrayList<>();
    boolean[] persistent = new boolean[c.held.size()];
    for (int i = 0; i < persistent.length; i++) {
      Held h = c.held.get(i);
      persistent[i] = h.delivery().qos() > 0 && h.session().persistent();
      if (persistent[i]) {
        targets.add(new QueueTarget(h.session().clientId(), h.delivery().qos(), h.delivery().retain(),
            h.delivery().subscriptionIds()));
      }
    }
    long id = targets.isEmpty() ? 0 : sessions.nextMessageId();
    CompletableFuture<Void> stored = sessions.enqueue(id, m, targets, inboundQos2PacketId);
    int n = 0;
    for (int i = 0; i < persistent.length; i++) {
      Held h = c.held.get(i);
      if (c.offer(h.session(), persistent[i] ? h.delivery().stored(id) : h.delivery())) n++;
    }
    return new Routed(n, retainedDone.isDone() && !retainedDone.isCompletedExceptionally()
        ? stored
        : CompletableFuture.allOf(stored, retainedDone));
  }

  /** A delivery collected by {@link #route}, offered once the message is stored. */
  private record Held(Subscriber session, Delivery delivery) {}

  /**
   * Publishes a message; {@code pressure} is told of every subscriber session whose queue is above
   * its high watermark, so the publisher can pause reading until it drains.
   */
  public int publish(Message m, Consumer<Subscriber> pressure) {
    tap.routed(m);
    if (m.retain()) {
      retained.put(m);
    }
    Collector c = new Collector(m, pressure);
    tree.match(m.topic(), c);
    return c.deliver();
  }

  /**
   * Sends the retained messages matching a new subscription [MQTT-3.3.1-9]: the first slice now, the
   * rest as tasks on {@code loop}, the subscriber's event loop (see {@link RetainedDelivery}).
   */
  public void deliverRetained(Subscriber s, Subscription sub, ScheduledExecutorService loop) {
    new RetainedDelivery(retained.matching(sub.filter()), s, sub, loop).run();
  }

  /** Gathers the matches of one publish, one delivery per client with the highest QoS [MQTT-3.3.4-2]. */
  private final class Collector implements MatchSink {
    private final Message message;
    private final Consumer<Subscriber> pressure;
    private Subscription first;
    private Map<String, List<Subscription>> byClient;
    /** Set by {@link #route}: deliveries are collected here instead of being offered. */
    List<Held> held;

    Collector(Message message, Consumer<Subscriber> pressure) {
      this.message = message;
      this.pressure = pressure;
    }

    @Override
    public void subscription(Subscription s) {
      if (s.noLocal() && s.clientId().equals(message.publisherId())) {
        return; // [MQTT-3.8.3-3]
      }
      add(s);
    }

    @Override
    public void sharedGroup(SharedGroup g) {
      Subscription s = g.next(id -> {
        Subscriber session = sessions.get(id);
        return session != null && session.online();
      });
      if (s != null) {
        add(s);
      }
    }

    private void add(Subscription s) {
      if (first == null) {
        first = s;
        return;
      }
      if (byClient == null) {
        byClient = new HashMap<>();
        byClient.computeIfAbsent(first.clientId(), k -> new ArrayList<>(2)).add(first);
      }
      byClient.computeIfAbsent(s.clientId(), k -> new ArrayList<>(2)).add(s);
    }

    int deliver() {
      if (first == null) {
        return 0;
      }
      if (byClient == null) {
        return deliver(first.clientId(), List.of(first)) ? 1 : 0;
      }
      int n = 0;
      for (Map.Entry<String, List<Subscription>> e : byClient.entrySet()) {
        if (deliver(e.getKey(), e.getValue())) n++;
      }
      return n;
    }

    private boolean deliver(String clientId, List<Subscription> subs) {
      Subscriber session = sessions.get(clientId);
      if (session == null || !session.mayReceive(message.topic())) {
        return false;
      }
      int qos = 0;
      boolean retain = false;
      List<Integer> ids = List.of();
      for (Subscription s : subs) {
        qos = Math.max(qos, Math.min(message.qos(), s.qos()));
        retain |= s.retainAsPublished() && message.retain(); // [MQTT-3.3.1-12], [MQTT-3.3.1-13]
        if (s.subscriptionId() != 0) {
          if (ids.isEmpty()) ids = new ArrayList<>(2);
          ids.add(s.subscriptionId());
        }
      }
      Delivery d = new Delivery(message, qos, retain, ids);
      if (held != null) {
        held.add(new Held(session, d));
        return true;
      }
      return offer(session, d);
    }

    boolean offer(Subscriber session, Delivery d) {
      Subscriber.Offer result = session.offer(d);
      if (result == Subscriber.Offer.QUEUED_UNDER_PRESSURE && pressure != null) {
        pressure.accept(session);
      }
      return result != Subscriber.Offer.DROPPED;
    }
  }
}
