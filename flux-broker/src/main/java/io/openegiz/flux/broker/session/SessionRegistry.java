package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.config.SessionOwnership;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.routing.Subscribers;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.store.QueueTarget;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ClientIdentity;
import java.time.Clock;
import java.util.Collection;
import java.util.Objects;
import io.openegiz.flux.broker.store.InMemorySessionStore;
import io.openegiz.flux.broker.store.SessionStore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All sessions by client id: creation, resumption, takeover, expiry and wills. Connect, takeover,
 * disconnect and expiry of one client id are serialised by a lock chosen by the client id (one of
 * {@link #LOCKS} stripes), so that different client ids connect in parallel; wills are published
 * after the lock is released. Message flow never takes these locks.
 */
public final class SessionRegistry implements Subscribers {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);
  /** Lock stripes (a power of two): client ids that share one wait for each other, as with one lock each. */
  static final int LOCKS = 1024;

  /**
   * A will waiting for its connection to end, with the identity that set it: the will is published on
   * that identity's behalf, so its publish right is checked again when it goes out. Its message has no
   * expiry yet; {@code expirySeconds} (0: none) is applied when it is published ({@link #publishedAt}).
   */
  public record Will(Message message, long delaySeconds, ClientIdentity owner, long expirySeconds) {
    /** A will without a Message Expiry Interval of its own (or one restored with its expiry already set). */
    public Will(Message message, long delaySeconds, ClientIdentity owner) {
      this(message, delaySeconds, owner, 0);
    }

    /**
     * The will message as published at {@code publishedAtMillis}: its Message Expiry Interval counts from
     * when the will is published, not from CONNECT (MQTT 5 section 3.1.3.2.4).
     */
    public Message publishedAt(long publishedAtMillis) {
      if (expirySeconds == 0) {
        return message;
      }
      Message m = message;
      return new Message(m.topic(), m.payload(), m.qos(), m.retain(), m.publisherId(),
          publishedAtMillis + expirySeconds * 1000, m.properties(), m.size());
    }
  }

  /**
   * What {@link #connect} did: the session to use, whether it existed, the connection it replaced; or,
   * when {@code session} is null, that the client id names another identity's session (refused).
   */
  public record Connected(Session session, boolean sessionPresent, Outbound previous) {
    static final Connected OWNED_BY_ANOTHER = new Connected(null, false, null);

    /** True when the CONNECT was refused because the session belongs to another identity. */
    public boolean ownedByAnother() {
      return session == null;
    }
  }

  private final SessionStore<Session> sessions = new InMemorySessionStore<>();
  private final SubscriptionTree tree;
  private final SessionLimits limits;
  private final BrokerMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Will> willSink;
  private final Authorizer authorizer;
  private final SessionOwnership ownership;
  private final LongAdder expired = new LongAdder();
  private volatile SessionPersistence persistence = SessionPersistence.NONE;
  private final Object[] locks = new Object[LOCKS];

  /**
   * @param willSink publishes a due will; it checks the owner's publish right first (the ACL may have
   *     been reloaded since CONNECT)
   * @param authorizer checks every delivery against the receiving identity's read right when it is sent
   */
  public SessionRegistry(SubscriptionTree tree, SessionLimits limits, BrokerMetrics metrics, Clock clock,
      ScheduledExecutorService scheduler, Consumer<Will> willSink, Authorizer authorizer, SessionOwnership ownership) {
    this.tree = tree;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
    this.willSink = willSink;
    this.authorizer = authorizer;
    this.ownership = ownership;
    for (int i = 0; i < LOCKS; i++) {
      locks[i] = new Object();
    }
  }

  /** The lock that serialises connect, takeover, disconnect and expiry of one client id. */
  private Object lockFor(String clientId) {
    int h = clientId.hashCode();
    return locks[(h ^ (h >>> 16)) & (LOCKS - 1)];
  }

  /** Sets where sessions are written ({@code persistence true}); call before the first connection. */
  public void persistence(SessionPersistence p) {
    this.persistence = p;
  }

  /** Where sessions are written; {@link SessionPersistence#NONE} with {@code persistence false}. */
  public SessionPersistence persistence() {
    return persistence;
  }

  /** The session of a client id, or null. */
  @Override
  public Session get(String clientId) {
    return sessions.get(clientId);
  }

  @Override
  public boolean storesMessages() {
    return persistence.enabled();
  }

  @Override
  public long nextMessageId() {
    return persistence.nextMessageId();
  }

  @Override
  public CompletableFuture<Void> enqueue(long id, Message m, List<QueueTarget> targets, int inboundQos2PacketId) {
    return persistence.enqueue(id, m, targets, inboundQos2PacketId);
  }

  public Collection<Session> all() {
    return sessions.all();
  }

  /**
   * Opens or resumes the session for a new connection. The connection that held the session, attached
   * or still between its CONNECT and its attach, loses it (the caller closes it); a clean start
   * discards the old session [MQTT-3.1.2-4]. With
   * {@link SessionOwnership#IDENTITY}, a session of another identity is left untouched, online or not, and
   * {@link Connected#ownedByAnother()} is returned: neither its queue, its subscriptions, its will nor
   * its live connection go to, or are ended by, whoever else presents the client id.
   */
  public Connected connect(ClientIdentity identity, boolean cleanStart, long expirySeconds, Outbound connection) {
    String id = identity.clientId();
    Will willDue = null;
    Connected opened;
    synchronized (lockFor(id)) {
      Session s = sessions.get(id);
      if (s != null && ownership == SessionOwnership.IDENTITY && !sameIdentity(s.identity(), identity)) {
        return Connected.OWNED_BY_ANOTHER;
      }
      Outbound previous = null;
      if (s != null) {
        previous = s.claim(connection);
        Will pendingWill = s.timers().pendingWill();
        // a delayed will is not sent when the client comes back in time [MQTT-3.1.3-9] ...
        if (s.timers().cancel()) {
          persistence.willDone(id);
          if (cleanStart) {
            willDue = pendingWill; // ... unless clean start ends the session: then it is due now [MQTT-3.1.2-8]
          }
        }
      }
      boolean present = s != null && !cleanStart;
      if (s != null && cleanStart) {
        endSession(s);
        s = null;
      }
      if (s == null) {
        s = new Session(id, limits, metrics, clock, persistence, authorizer);
        s.claim(connection);
        sessions.put(id, s);
      }
      s.identity(identity);
      s.expiryIntervalSeconds(expirySeconds);
      persistence.opened(s, connection.protocolVersion());
      opened = new Connected(s, present, previous);
    }
    publish(willDue);
    return opened;
  }

  /** Publishes a will that fell due, if any; never under a client id's lock (it routes, it may store). */
  private void publish(Will will) {
    if (will != null) {
      willSink.accept(will);
    }
  }

  /** The same authenticated user (or certificate identity); two anonymous clients are the same nobody. */
  private static boolean sameIdentity(ClientIdentity owner, ClientIdentity other) {
    return owner == null || Objects.equals(owner.username(), other.username());
  }

  /**
   * Binds the session to its connection; call on the connection's event loop after CONNACK is written.
   * False when a takeover came first: the connection is being closed and must not go on reading.
   */
  public boolean attach(Session s, Outbound connection) {
    return s.attach(connection);
  }

  /**
   * The connection ended. Publishes or schedules the will (null after a normal DISCONNECT), and ends
   * the session now or schedules its expiry.
   */
  public void disconnected(Session s, Outbound connection, Will will) {
    Will due = null;
    synchronized (lockFor(s.clientId())) {
      if (!s.detach(connection)) {
        // Taken over: the will still goes out [MQTT-3.1.4-3]; a delayed one only if the takeover's
        // clean start ended the session, otherwise the session lives on with the new connection.
        if (will != null && (will.delaySeconds() == 0 || s.ended())) {
          due = will;
        }
      } else {
        due = offline(s, will);
      }
    }
    publish(due);
  }

  /** The session's connection left: schedules its will and its expiry; returns the will due now, if any. */
  private Will offline(Session s, Will will) {
    long expiry = s.expiryIntervalSeconds();
    if (expiry > 0) {
      persistence.disconnected(s, clock.millis());
    }
    Will due = null;
    if (will != null) {
      long delay = Math.min(will.delaySeconds(), expiry);
      if (delay <= 0) {
        due = will;
      } else {
        long at = clock.millis() + delay * 1000;
        persistence.willDelayed(s.clientId(), will.publishedAt(at), at); // restored with its expiry set
        scheduleWill(s, will, delay * 1000);
      }
    }
    if (expiry <= 0) {
      removeIfCurrent(s);
    } else {
      s.timers().expiry(scheduler.schedule(() -> expire(s), expiry, TimeUnit.SECONDS));
    }
    return due;
  }

  private void scheduleWill(Session s, Will will, long delayMillis) {
    String id = s.clientId();
    s.timers().will(scheduler.schedule(() -> {
      willSink.accept(will);
      persistence.willDone(id);
    }, delayMillis, TimeUnit.MILLISECONDS), will);
  }

  /**
   * Puts back a session recovered from the store, offline, with its subscriptions; its expiry runs
   * from {@code expiresAtMillis} (Long.MAX_VALUE: never). Start-up only, before any connection: its
   * expiry is scheduled once it is registered, so it needs no lock.
   */
  Session restore(String clientId, String username, long expirySeconds, Collection<Subscription> subs,
      long expiresAtMillis) {
    Session s = new Session(clientId, limits, metrics, clock, persistence, authorizer);
    // The stored username is the session's owner: it keeps ACL checks and the ownership check right.
    s.identity(new ClientIdentity(clientId, username, null, "restored"));
    s.expiryIntervalSeconds(expirySeconds);
    for (Subscription sub : subs) {
      tree.subscribe(sub);
      s.subscriptions().put(sub.shareGroup() == null
          ? sub.filter()
          : "$share/" + sub.shareGroup() + "/" + sub.filter(), sub);
    }
    sessions.put(clientId, s);
    if (expiresAtMillis != Long.MAX_VALUE) {
      long delay = Math.max(0, expiresAtMillis - clock.millis());
      s.timers().expiry(scheduler.schedule(() -> expire(s), delay, TimeUnit.MILLISECONDS));
    }
    return s;
  }

  /**
   * Schedules a recovered delayed will of an offline session, or publishes it now when it is due; it
   * goes out on behalf of {@code username}, the stored owner of its session (null: anonymous).
   */
  void restoreWill(String clientId, String username, Message message, long dueAtMillis) {
    Will will = new Will(message, 0, new ClientIdentity(clientId, username, null, "restored"));
    synchronized (lockFor(clientId)) {
      Session s = sessions.get(clientId);
      long delay = dueAtMillis - clock.millis();
      if (s != null && delay > 0) {
        scheduleWill(s, will, delay);
        return;
      }
    }
    publish(will);
    persistence.willDone(clientId);
  }

  private void expire(Session s) {
    Will due = null;
    synchronized (lockFor(s.clientId())) {
      // not while a connection holds it: one that took it over may not have attached yet
      if (s.claimed() || sessions.get(s.clientId()) != s) {
        return;
      }
      LOG.debug("session {} expired", s.clientId());
      expired.increment(); // $SYS/broker/clients/expired
      metrics.sessionExpired(); // flux_sessions_expired_total
      // a delayed will still pending is due now that the session ends [MQTT-3.1.3-9]: its timer may
      // fall due in the same millisecond and run after this one (restored from the store)
      Will pendingWill = s.timers().pendingWill();
      boolean willDue = s.timers().cancel() && pendingWill != null;
      removeIfCurrent(s);
      if (willDue) {
        due = pendingWill;
      }
    }
    if (due != null) {
      publish(due);
      persistence.willDone(s.clientId());
    }
  }

  private void removeIfCurrent(Session s) {
    sessions.remove(s.clientId(), s);
    endSession(s);
  }

  private void endSession(Session s) {
    for (Subscription sub : s.subscriptions().values()) {
      tree.unsubscribe(sub.clientId(), sub.shareGroup(), sub.filter());
    }
    s.subscriptions().clear();
    s.end();
    persistence.ended(s.clientId());
  }

  /** Number of sessions, online and offline. */
  public int size() {
    return sessions.size();
  }

  /** Persistent sessions removed because their expiry interval passed while offline, since start. */
  public long expiredCount() {
    return expired.sum();
  }
}
