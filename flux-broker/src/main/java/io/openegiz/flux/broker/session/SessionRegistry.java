package io.openegiz.flux.broker.session;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.routing.Message;
import io.openegiz.flux.broker.routing.Subscription;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.security.ClientIdentity;
import java.time.Clock;
import java.util.Collection;
import io.openegiz.flux.broker.store.InMemorySessionStore;
import io.openegiz.flux.broker.store.SessionStore;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All sessions by client id: creation, resumption, takeover, expiry and wills. Connect and
 * disconnect of one client id are serialised here; message flow never takes this lock.
 */
public final class SessionRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(SessionRegistry.class);

  /** A will waiting for its connection to end. */
  public record Will(Message message, long delaySeconds) {}

  /** What {@link #connect} did: the session to use, whether it existed, the connection it replaced. */
  public record Connected(Session session, boolean sessionPresent, Outbound previous) {}

  private final SessionStore<Session> sessions = new InMemorySessionStore<>();
  private final SubscriptionTree tree;
  private final SessionLimits limits;
  private final BrokerMetrics metrics;
  private final Clock clock;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Message> willSink;
  private volatile SessionPersistence persistence = SessionPersistence.NONE;

  public SessionRegistry(SubscriptionTree tree, SessionLimits limits, BrokerMetrics metrics, Clock clock,
      ScheduledExecutorService scheduler, Consumer<Message> willSink) {
    this.tree = tree;
    this.limits = limits;
    this.metrics = metrics;
    this.clock = clock;
    this.scheduler = scheduler;
    this.willSink = willSink;
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
  public Session get(String clientId) {
    return sessions.get(clientId);
  }

  public Collection<Session> all() {
    return sessions.all();
  }

  /**
   * Opens or resumes the session for a new connection. An existing connection with the same client
   * id is detached (the caller closes it); a clean start discards the old session [MQTT-3.1.2-4].
   */
  public synchronized Connected connect(ClientIdentity identity, boolean cleanStart, long expirySeconds,
      Outbound connection) {
    String id = identity.clientId();
    Session s = sessions.get(id);
    Outbound previous = null;
    Message willDue = null;
    if (s != null) {
      previous = s.connection();
      if (previous != null) {
        s.detach(previous);
      }
      Message pendingWill = s.pendingWillMessage();
      // a delayed will is not sent when the client comes back in time [MQTT-3.1.3-9] ...
      if (s.cancelTimers()) {
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
    if (willDue != null) {
      willSink.accept(willDue);
    }
    if (s == null) {
      s = new Session(id, limits, metrics, clock, persistence);
      sessions.put(id, s);
    }
    s.identity(identity);
    s.expiryIntervalSeconds(expirySeconds);
    persistence.opened(s, connection.protocolVersion());
    return new Connected(s, present, previous);
  }

  /** Binds the session to its connection; call on the connection's event loop after CONNACK is written. */
  public void attach(Session s, Outbound connection) {
    s.attach(connection);
  }

  /**
   * The connection ended. Publishes or schedules the will (null after a normal DISCONNECT), and ends
   * the session now or schedules its expiry.
   */
  public synchronized void disconnected(Session s, Outbound connection, Will will) {
    if (!s.detach(connection)) {
      // Taken over: the will still goes out [MQTT-3.1.4-3]; a delayed one only if the takeover's
      // clean start ended the session, otherwise the session lives on with the new connection.
      if (will != null && (will.delaySeconds() == 0 || s.ended())) {
        willSink.accept(will.message());
      }
      return;
    }
    long expiry = s.expiryIntervalSeconds();
    if (expiry > 0) {
      persistence.disconnected(s, clock.millis());
    }
    if (will != null) {
      long delay = Math.min(will.delaySeconds(), expiry);
      if (delay <= 0) {
        willSink.accept(will.message());
      } else {
        persistence.willDelayed(s.clientId(), will.message(), clock.millis() + delay * 1000);
        scheduleWill(s, will.message(), delay * 1000);
      }
    }
    if (expiry <= 0) {
      removeIfCurrent(s);
    } else {
      s.expiryTask(scheduler.schedule(() -> expire(s), expiry, TimeUnit.SECONDS));
    }
  }

  private void scheduleWill(Session s, Message will, long delayMillis) {
    String id = s.clientId();
    s.pendingWill(scheduler.schedule(() -> {
      willSink.accept(will);
      persistence.willDone(id);
    }, delayMillis, TimeUnit.MILLISECONDS), will);
  }

  /**
   * Puts back a session recovered from the store, offline, with its subscriptions; its expiry runs
   * from {@code expiresAtMillis} (Long.MAX_VALUE: never). Start-up only, before any connection.
   */
  synchronized Session restore(String clientId, String username, long expirySeconds, Collection<Subscription> subs,
      long expiresAtMillis) {
    Session s = new Session(clientId, limits, metrics, clock, persistence);
    // The stored username keeps ACL checks right until the client's next CONNECT sets the identity again.
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
      s.expiryTask(scheduler.schedule(() -> expire(s), delay, TimeUnit.MILLISECONDS));
    }
    return s;
  }

  /** Schedules a recovered delayed will of an offline session, or publishes it now when it is due. */
  synchronized void restoreWill(String clientId, Message will, long dueAtMillis) {
    Session s = sessions.get(clientId);
    long delay = dueAtMillis - clock.millis();
    if (s == null || delay <= 0) {
      willSink.accept(will);
      persistence.willDone(clientId);
    } else {
      scheduleWill(s, will, delay);
    }
  }

  private synchronized void expire(Session s) {
    if (!s.online() && sessions.get(s.clientId()) == s) {
      LOG.debug("session {} expired", s.clientId());
      removeIfCurrent(s);
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
}
