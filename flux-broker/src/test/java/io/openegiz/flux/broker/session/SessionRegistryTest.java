package io.openegiz.flux.broker.session;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.openegiz.flux.broker.config.SessionOwnership;
import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ClientIdentity;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Connect, takeover and disconnect of one client id (issue 12, item 3), step by step where the
 * TakeoverStormIT only sees the outcome: a takeover between another connection's CONNECT and its
 * attach, and wills published outside the client id's lock.
 */
class SessionRegistryTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<SessionRegistry.Will> published = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private SessionRegistry registry(Consumer<SessionRegistry.Will> wills) {
    return new SessionRegistry(new SubscriptionTree(), new SessionLimits(100, 0), BrokerMetrics.NOOP,
        Clock.systemUTC(), scheduler, wills, Authorizer.ALLOW_ALL, SessionOwnership.CLIENT_ID);
  }

  private static ClientIdentity id(String clientId) {
    return new ClientIdentity(clientId, null, null, "test");
  }

  private static SessionRegistry.Will will(String clientId) {
    return new SessionRegistry.Will(new Message("will/" + clientId, new byte[] {1}, 1, false, clientId, 0,
        Message.Properties.NONE), 0, id(clientId));
  }

  @Test
  void aTakeoverBeforeTheOldConnectionAttachedTakesTheSessionFromItAndItNeverAttaches() {
    SessionRegistry sessions = registry(published::add);
    Connection a = new Connection();
    Connection b = new Connection();
    SessionRegistry.Connected first = sessions.connect(id("c"), true, 0, a);
    // b's CONNECT is decided on another loop while a's CONNACK is still being written
    SessionRegistry.Connected second = sessions.connect(id("c"), true, 0, b);

    assertThat(second.previous()).as("the connection to close").isSameAs(a);
    assertThat(sessions.attach(first.session(), a)).as("a attaches to the session it lost").isFalse();
    assertThat(sessions.attach(second.session(), b)).isTrue();
    assertThat(sessions.get("c")).isSameAs(second.session());
    assertThat(second.session().online()).isTrue();

    sessions.disconnected(first.session(), a, will("c")); // a is closed: taken over, its will goes out
    assertThat(published).extracting(w -> w.message().topic()).containsExactly("will/c");
    assertThat(sessions.get("c")).isSameAs(second.session());
    assertThat(second.session().online()).as("a's end leaves b's session alone").isTrue();
  }

  @Test
  void aWillIsPublishedOutsideTheClientIdsLock() throws Exception {
    SessionRegistry[] holder = new SessionRegistry[1];
    // The will sink waits for a CONNECT of the same client id on another thread: under the lock, a deadlock.
    SessionRegistry sessions = registry(w -> {
      CompletableFuture<SessionRegistry.Connected> other = CompletableFuture.supplyAsync(
          () -> holder[0].connect(id("c"), true, 0, new Connection()));
      try {
        other.get(5, TimeUnit.SECONDS);
        published.add(w);
      } catch (Exception e) {
        throw new AssertionError("a CONNECT of the same client id waited for the will", e);
      }
    });
    holder[0] = sessions;
    Connection a = new Connection();
    SessionRegistry.Connected opened = sessions.connect(id("c"), true, 0, a);
    assertThat(sessions.attach(opened.session(), a)).isTrue();

    sessions.disconnected(opened.session(), a, will("c"));
    assertThat(published).hasSize(1);
  }

  /** A connection that sends nothing anywhere; the session runs its drains at once on the caller. */
  private static final class Connection implements Outbound {
    @Override
    public EventExecutor executor() {
      return ImmediateEventExecutor.INSTANCE;
    }

    @Override
    public int receiveMaximum() {
      return 10;
    }

    @Override
    public boolean writePublish(Delivery delivery, int packetId, boolean dup) {
      return true;
    }

    @Override
    public void writePubrel(int packetId) {}

    @Override
    public void flush() {}

    @Override
    public void takenOver() {}
  }
}
