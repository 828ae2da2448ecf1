package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.routing.Subscriber;
import io.openegiz.flux.broker.security.AclCache;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ClientIdentity;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's session: its subscriptions, the messages queued for it, the QoS 1/2 messages in
 * flight each way. Publishers on any thread only append to the lock-free inbox and schedule a drain;
 * all other state is touched on the connection's event loop, under the session's monitor so that a
 * takeover by a connection on another loop sees it whole.
 */
public final class Session implements Subscriber {

  private static final class Inflight {
    final Delivery delivery;
    boolean released; // PUBREC received, PUBREL sent: waiting for PUBCOMP

    Inflight(Delivery delivery) {
      this.delivery = delivery;
    }
  }

  /** Most messages one drain writes before yielding the event loop to other connections. */
  private static final int DRAIN_BATCH = 512;

  private final String clientId;
  private final SessionLimits limits;
  private final BrokerMetrics metrics;
  private final Clock clock;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final ConcurrentLinkedQueue<Delivery> inbox = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queuedMessages = new AtomicInteger();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final AtomicBoolean drainScheduled = new AtomicBoolean();
  private final Set<Runnable> waiters = ConcurrentHashMap.newKeySet();
  private final LinkedHashMap<Integer, Inflight> inflight = new LinkedHashMap<>();
  private final Set<Integer> inboundQos2 = new HashSet<>();
  private int lastPacketId;
  private volatile Outbound connection;
  /** The connection the registry gave the session to: attached, or between its CONNECT and attach. */
  private Outbound owner;
  private volatile ClientIdentity identity;
  private volatile long expiryIntervalSeconds;
  private volatile boolean ended;
  private final SessionTimers timers = new SessionTimers();
  private final SessionPersistence persistence;
  private final AclCache acl;
  /** A drain batch waits for its QoS 2 packet ids to be stored; nothing else is written meanwhile. */
  private boolean awaitingMarks;
  /**
   * Stored deliveries the client acknowledged in this read batch: removed from the store in one
   * operation by {@link #sendMore} (or when the connection goes), not one operation per PUBACK.
   */
  private List<Delivery> acknowledged = new ArrayList<>();

  Session(String clientId, SessionLimits limits, BrokerMetrics metrics, Clock clock) {
    this(clientId, limits, metrics, clock, SessionPersistence.NONE, Authorizer.ALLOW_ALL);
  }

  /** {@code authorizer} checks every message again when it is written: see {@link #mayRead}. */
  Session(String clientId, SessionLimits limits, BrokerMetrics metrics, Clock clock, SessionPersistence persistence,
      Authorizer authorizer) {
    this.clientId = clientId;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    this.persistence = persistence;
    this.acl = AclCache.receives(authorizer);
  }

  public String clientId() { return clientId; }
  public ClientIdentity identity() { return identity; }
  @Override
  public boolean mayReceive(String topic) { return acl.allows(identity, topic); }
  void identity(ClientIdentity id) { identity = id; }
  public boolean online() { return connection != null; }
  public long expiryIntervalSeconds() { return expiryIntervalSeconds; }
  public void expiryIntervalSeconds(long s) { expiryIntervalSeconds = s; }
  public boolean ended() { return ended; }

  @Override
  public boolean persistent() {
    return persistence.persistent(this);
  }

  /** This session's subscriptions by key (share group + filter). */
  public Map<String, Subscription> subscriptions() {
    return subscriptions;
  }

  public int queuedMessages() { return queuedMessages.get(); } // waiting, beyond those in flight
  public long queuedBytes() { return queuedBytes.get(); } // as max_queued_bytes counts them
  public int inflightMessages() { return inflight.size(); } // read without the lock: a scrape may lag a moment

  /**
   * Queues a message for the client. Called from any thread. A QoS 0 message is dropped (and counted)
   * when the client is offline or the queue is full. A QoS 1/2 message for a connected client is never
   * dropped for the message count: past the high watermark the publisher is asked to pause instead;
   * only max_queued_bytes, the memory bound, refuses it. For an offline session, max_queued_messages
   * is a hard limit, so that an absent subscriber cannot stall the publishers.
   */
  public Offer offer(Delivery d) {
    long bytes = d.message().size();
    if (ended) {
      return dropped(d);
    }
    boolean online = connection != null;
    if (d.qos() == 0 && !online) {
      metrics.messageDropped(DropReason.OFFLINE_QOS0);
      return Offer.DROPPED;
    }
    int queued = queuedMessages.get();
    boolean overCount = queued >= limits.maxQueuedMessages();
    boolean overBytes = limits.maxQueuedBytes() > 0 && queuedBytes.get() + bytes > limits.maxQueuedBytes();
    if (overBytes || (overCount && (d.qos() == 0 || !online))) {
      metrics.messageDropped(DropReason.QUEUE_FULL);
      return dropped(d);
    }
    queuedMessages.incrementAndGet();
    queuedBytes.addAndGet(bytes);
    inbox.offer(d);
    scheduleDrain();
    return online && d.qos() > 0 && queued + 1 >= highWatermark() ? Offer.QUEUED_UNDER_PRESSURE : Offer.QUEUED;
  }

  /**
   * True when {@link #offer} would queue {@code d} below the high watermark and byte bound; a producer
   * that can wait (retained delivery) then calls {@link #awaitRoom}. Offline, the hard limits apply.
   */
  public boolean hasRoomFor(Delivery d) {
    int queued = queuedMessages.get();
    long bytes = d.message().size(); // the size measure of offer
    return connection == null || queued == 0 || (queued < highWatermark()
        && (limits.maxQueuedBytes() == 0 || queuedBytes.get() + bytes <= limits.maxQueuedBytes()));
  }

  /** A dropped stored delivery must not come back after a restart. */
  private Offer dropped(Delivery d) {
    if (d.storeId() != 0) {
      persistence.delivered(clientId, d.storeId(), d.qos());
    }
    return Offer.DROPPED;
  }

  private int highWatermark() {
    return Math.max(1, limits.maxQueuedMessages());
  }

  private int lowWatermark() {
    return highWatermark() / 2;
  }

  /**
   * Registers a paused publisher to be resumed once this queue is back under its low watermark (or the
   * client goes offline). Resumes it at once if that has already happened, so no wake-up is lost.
   */
  public void awaitRoom(Runnable resume) {
    waiters.add(resume);
    if (queuedMessages.get() <= lowWatermark() || connection == null) {
      wakeWaiters();
    }
  }

  private void wakeWaiters() {
    // The subscriber's loop (drain) and publishers' loops (awaitRoom) can wake one waiter at once: only the thread
    // whose remove succeeds runs it (run twice, a publisher's pause count went below zero: it never read again).
    for (Runnable r : waiters) {
      if (waiters.remove(r)) {
        r.run();
      }
    }
  }

  private void scheduleDrain() {
    Outbound c = connection;
    if (c != null && drainScheduled.compareAndSet(false, true)) {
      c.executor().execute(() -> {
        drainScheduled.set(false);
        drain(c);
      });
    }
  }

  /** Sends queued messages while the client's receive window has room. Runs on c's event loop. */
  void drain(Outbound c) {
    boolean more;
    synchronized (this) {
      if (connection != c) {
        return;
      }
      more = drainLocked(c);
    }
    c.flush();
    if (!waiters.isEmpty() && queuedMessages.get() <= lowWatermark()) {
      wakeWaiters();
    }
    if (more) {
      scheduleDrain();
    }
  }

  private boolean drainLocked(Outbound c) {
    if (awaitingMarks) {
      return false; // the held batch is written first, in order, then the drain goes on
    }
    int window = c.receiveMaximum();
    long now = clock.millis();
    int written = 0;
    DrainHold hold = null;
    boolean more = false;
    Delivery d;
    while ((d = inbox.peek()) != null) {
      if (d.qos() > 0 && inflight.size() >= window) {
        break;
      }
      if (written >= DRAIN_BATCH) {
        more = true;
        break;
      }
      inbox.poll();
      queuedMessages.decrementAndGet();
      queuedBytes.addAndGet(-d.message().size());
      if (d.message().expired(now)) {
        metrics.messageDropped(DropReason.EXPIRED); // [MQTT-3.3.2-5]
        finished(d);
        continue;
      }
      if (!mayRead(d)) {
        finished(d);
        continue;
      }
      int id = d.qos() == 0 ? 0 : nextPacketId();
      if (hold == null && d.qos() == 2 && d.storeId() != 0) {
        hold = new DrainHold(); // from here on, the batch waits for the stored packet ids
      }
      if (hold != null) {
        hold.add(d, id);
        if (id != 0) {
          inflight.put(id, new Inflight(d));
        }
      } else if (d.qos() == 0) {
        c.writePublish(d, 0, false);
      } else if (c.writePublish(d, id, false)) {
        inflight.put(id, new Inflight(d));
      } else {
        finished(d);
      }
      written++;
    }
    if (hold != null) {
      holdForMarks(c, hold); // goes on by itself once the ids are stored
      return false;
    }
    return more;
  }

  /**
   * A QoS 2 delivery's packet id must be durable before its PUBLISH goes out, so that a resend after a
   * crash uses the same id: one store wait per drain batch. Later messages of the batch wait too, to
   * keep the order. On a store failure they are sent anyway (exactly-once then rests on no crash).
   */
  private void holdForMarks(Outbound c, DrainHold hold) {
    awaitingMarks = true;
    hold.markInflight(persistence, clientId).whenComplete((v, e) -> c.executor().execute(() -> releaseHold(c, hold)));
  }

  private void releaseHold(Outbound c, DrainHold hold) {
    synchronized (this) {
      awaitingMarks = false;
      if (connection == c) {
        for (int i = 0; i < hold.deliveries.size(); i++) {
          Delivery d = hold.deliveries.get(i);
          int id = hold.packetIds.get(i);
          if (id == 0) {
            c.writePublish(d, 0, false);
          } else if (inflight.get(id) != null && inflight.get(id).delivery == d && !c.writePublish(d, id, false)) {
            inflight.remove(id);
            finished(d);
          }
        }
      } // else: the held QoS 1/2 deliveries stay in flight and are resent when a client attaches
    }
    c.flush();
    scheduleDrain();
  }

  /** The reader may still read it (the ACL reloaded, the session taken over since); if not, a counted drop. */
  private boolean mayRead(Delivery d) {
    boolean allowed = mayReceive(d.message().topic()); // remembered per topic until a reload or a takeover
    if (!allowed) metrics.messageDropped(DropReason.READ_NOT_AUTHORIZED); // also flux_acl_denied_total{action="read"}
    return allowed;
  }

  /** A delivery is done with (acknowledged, expired, not sendable): the store forgets it. */
  private void finished(Delivery d) {
    if (d.storeId() != 0) {
      persistence.delivered(clientId, d.storeId(), d.qos());
    }
  }

  private int nextPacketId() {
    // [MQTT-2.2.1-3] a packet id is not reused while its exchange is unfinished.
    do {
      lastPacketId = lastPacketId == 65535 ? 1 : lastPacketId + 1;
    } while (inflight.containsKey(lastPacketId));
    return lastPacketId;
  }

  /**
   * PUBACK for a QoS 1 delivery; false if the packet id was not in flight. It frees a slot of the
   * receive window but sends nothing: the connection calls {@link #sendMore} once per read batch, so
   * a batch of PUBACKs costs one drain and one flush instead of one per PUBACK.
   */
  public synchronized boolean acknowledge(Outbound c, int packetId) {
    Inflight f = inflight.get(packetId);
    if (f == null || f.delivery.qos() != 1) {
      return false;
    }
    inflight.remove(packetId);
    finishedLater(f.delivery);
    return true;
  }

  /** Sends what the window now allows, after acknowledgements freed slots of it. Runs on c's event loop. */
  public void sendMore(Outbound c) {
    forgetAcknowledged();
    drain(c);
  }

  /** An acknowledged stored delivery: the store forgets it with the rest of the read batch. */
  private void finishedLater(Delivery d) {
    if (d.storeId() != 0) {
      acknowledged.add(d);
    }
  }

  /** Removes the read batch's acknowledged deliveries from the store, in one operation. */
  private void forgetAcknowledged() {
    List<Delivery> done;
    synchronized (this) {
      if (acknowledged.isEmpty()) {
        return;
      }
      done = acknowledged;
      acknowledged = new ArrayList<>();
    }
    persistence.deliveredAll(clientId, done);
  }

  /**
   * PUBREC for a QoS 2 delivery: sends PUBREL, or finishes the exchange on an error reason code (which
   * frees a window slot: the caller then calls {@link #sendMore}, as after a PUBACK).
   */
  public synchronized boolean received(Outbound c, int packetId, boolean failed) {
    Inflight f = inflight.get(packetId);
    if (f == null || f.delivery.qos() != 2) {
      return false;
    }
    if (failed) {
      inflight.remove(packetId);
      finished(f.delivery);
    } else if (f.delivery.storeId() != 0) {
      // PUBREL only once "released" is on disk: after a crash the PUBREL is resent, not the PUBLISH
      f.released = true;
      persistence.markReleased(clientId, f.delivery.storeId(), packetId)
          .whenComplete((v, e) -> c.executor().execute(() -> pubrelStored(c, packetId, f)));
    } else {
      f.released = true;
      c.writePubrel(packetId);
    }
    return true;
  }

  /** PUBCOMP for a QoS 2 delivery; frees a window slot, the caller then calls {@link #sendMore}. */
  public synchronized boolean completed(Outbound c, int packetId) {
    Inflight f = inflight.get(packetId);
    if (f == null || !f.released) {
      return false;
    }
    inflight.remove(packetId);
    finishedLater(f.delivery);
    return true;
  }

  private void pubrelStored(Outbound c, int packetId, Inflight f) {
    synchronized (this) {
      if (connection != c || inflight.get(packetId) != f) {
        return; // resent on the next attach, or already finished
      }
      c.writePubrel(packetId);
    }
    c.flush();
  }

  /**
   * Puts back what the store held at start-up, before any connection: in-flight QoS 2 deliveries
   * under their stored packet ids (resent on attach), the rest queued in order.
   */
  synchronized void restore(List<io.openegiz.flux.broker.store.StoredDelivery> stored, Set<Integer> inboundIds) {
    for (io.openegiz.flux.broker.store.StoredDelivery sd : stored) {
      Delivery d = new Delivery(sd.message(), sd.qos(), sd.retain(), sd.subscriptionIds(), sd.id());
      if (sd.packetId() != 0 && !inflight.containsKey(sd.packetId())) {
        Inflight f = new Inflight(d);
        f.released = sd.released();
        inflight.put(sd.packetId(), f);
      } else {
        queuedMessages.incrementAndGet();
        queuedBytes.addAndGet(d.message().size());
        inbox.offer(d);
      }
    }
    inboundQos2.addAll(inboundIds);
  }

  /** Records an inbound QoS 2 PUBLISH; false if it is a duplicate whose PUBREL has not come yet. */
  public synchronized boolean beginInboundQos2(int packetId) {
    return inboundQos2.add(packetId);
  }

  /** PUBREL from the client; false if the packet id was unknown. */
  public synchronized boolean releaseInboundQos2(int packetId) {
    return inboundQos2.remove(packetId);
  }

  /** True when an inbound QoS 2 PUBLISH with this id was received and its PUBREL has not come yet. */
  public synchronized boolean awaitingRelease(int packetId) {
    return inboundQos2.contains(packetId);
  }

  public synchronized int inboundQos2Count() {
    return inboundQos2.size();
  }

  /**
   * Gives the session to a new connection (the registry does, under the client id's lock) and takes it
   * from the one that had it, whether attached or still between its CONNACK and its attach, which then
   * never attaches; returns that one, or null.
   */
  Outbound claim(Outbound c) {
    Outbound previous;
    synchronized (this) {
      previous = owner;
      owner = c;
    }
    if (previous != null) detach(previous);
    return previous;
  }

  /** True while a connection holds the session, attached or about to attach. */
  synchronized boolean claimed() {
    return owner != null;
  }

  /**
   * Binds the session to the connection it was given to (on its event loop) and resends, in order, what
   * was in flight: PUBLISH with DUP, or PUBREL where PUBREC had come [MQTT-4.4.0-1]. False, and nothing
   * done, when a takeover or the session's end came first: that connection is being closed.
   */
  boolean attach(Outbound c) {
    synchronized (this) {
      if (owner != c || ended) {
        return false;
      }
      connection = c;
      for (Iterator<Map.Entry<Integer, Inflight>> it = inflight.entrySet().iterator(); it.hasNext();) {
        Map.Entry<Integer, Inflight> e = it.next();
        if (e.getValue().released) {
          c.writePubrel(e.getKey());
        } else if (mayRead(e.getValue().delivery)) {
          c.writePublish(e.getValue().delivery, e.getKey(), true);
        } else {
          it.remove();
          finished(e.getValue().delivery);
        }
      }
    }
    drain(c);
    return true;
  }

  /** Unbinds the connection if it is still the current one; true when it was. */
  boolean detach(Outbound c) {
    synchronized (this) {
      if (owner == c) owner = null;
      if (connection != c) {
        return false;
      }
      connection = null;
    }
    forgetAcknowledged(); // what the client acknowledged before it left stays acknowledged
    wakeWaiters(); // an offline session applies its hard limit instead of pausing publishers
    return true;
  }

  /**
   * True while {@code c} is this session's connection. Checked under this session's lock (which
   * {@link #detach} takes), it stays true until the lock is released: see SubscribeProcessor.
   */
  public synchronized boolean attachedTo(Outbound c) {
    return connection == c;
  }

  /** Ends the session: everything still queued or in flight is counted as dropped. */
  void end() {
    List<Delivery> lost = new ArrayList<>();
    synchronized (this) {
      ended = true;
      connection = null;
      owner = null;
      for (Inflight f : inflight.values()) lost.add(f.delivery);
      inflight.clear();
      inboundQos2.clear();
      timers.cancel();
    }
    for (Iterator<Delivery> it = inbox.iterator(); it.hasNext();) {
      lost.add(it.next());
      it.remove();
    }
    queuedMessages.set(0);
    queuedBytes.set(0);
    wakeWaiters();
    lost.forEach(d -> metrics.messageDropped(DropReason.SESSION_ENDED));
  }

  /** Its expiry and delayed will, while it is offline. */
  SessionTimers timers() {
    return timers;
  }
}
