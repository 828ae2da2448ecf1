package io.openegiz.flux.broker.protocol;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.Router;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.session.SessionPersistence;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The inbound QoS 1/2 flow of one connection with {@code persistence true}: PUBACK, PUBREC and
 * PUBCOMP go out only once what they promise is on disk, and in the order the packets came, although
 * the store answers later (one group commit). Runs on the connection's event loop.
 */
final class DurableAcks {
  /** Refusals are logged at most this often over all connections: once per incident, not per message. */
  private static final long LOG_EVERY_MILLIS = 10_000;
  private static final AtomicLong lastLogged = new AtomicLong();

  /** One acknowledgement waiting for its write, and what to undo when the write fails. */
  private record Pending(CompletableFuture<Void> done, MqttMessageType type, int packetId, byte reason,
      Runnable onFailure) {}

  private final MqttConnectionHandler c;
  private final ChannelHandlerContext ctx;
  private final BrokerContext broker;
  private final Negotiated n;
  private final Session session;
  private final ArrayDeque<Pending> queue = new ArrayDeque<>(0); // grows when used: only with persistence
  private final AtomicBoolean releaseScheduled = new AtomicBoolean();
  /** PUBACKs in {@link #queue}: QoS 1 messages the client still counts against the receive maximum. */
  private int waitingPubacks;
  /** Reading stopped: a 3.1.1 client has a receive maximum of PUBLISH waiting for the store. */
  private boolean holding;

  DurableAcks(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, Negotiated n,
      Session session) {
    this.c = c;
    this.ctx = ctx;
    this.broker = broker;
    this.n = n;
    this.session = session;
  }

  /** Routes and stores a QoS 1/2 PUBLISH; acknowledges it once stored. */
  void publish(Message m, int packetId) {
    SessionPersistence p = broker.sessions().persistence();
    boolean qos2 = m.qos() == 2;
    // The publisher's QoS 2 id survives a restart only for a session that does too.
    int inbound = qos2 && p.persistent(session) ? packetId : 0;
    Router.Routed r = broker.router().route(m, c::pauseFor, inbound);
    byte reason = r.delivered() == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    Runnable undo = qos2 ? () -> session.releaseInboundQos2(packetId) : () -> {};
    add(r.durable(), qos2 ? MqttMessageType.PUBREC : MqttMessageType.PUBACK, packetId, n.v5() ? reason : 0, undo);
  }

  /** PUBREL: PUBCOMP once the inbound id is gone from disk, so the client may reuse it at once. */
  void pubrel(int packetId, boolean known) {
    SessionPersistence p = broker.sessions().persistence();
    CompletableFuture<Void> done = known && p.persistent(session)
        ? p.releaseInboundQos2(n.identity().clientId(), packetId)
        : SessionPersistence.DONE;
    byte reason = known || !n.v5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_ID_NOT_FOUND;
    add(done, MqttMessageType.PUBCOMP, packetId, reason, () -> {});
  }

  /** An acknowledgement with nothing to wait for, kept behind those still waiting. */
  void now(MqttMessageType type, int packetId, byte reason) {
    add(SessionPersistence.DONE, type, packetId, reason, () -> {});
  }

  private void add(CompletableFuture<Void> done, MqttMessageType type, int packetId, byte reason, Runnable undo) {
    if (queue.isEmpty() && done.isDone() && !done.isCompletedExceptionally()) {
      c.ack(type, packetId, reason);
      return;
    }
    queue.add(new Pending(done, type, packetId, reason, undo));
    if (type == MqttMessageType.PUBACK) {
      waitingPubacks++;
      // MQTT 3.1.1 has no receive maximum to refuse with: backpressure instead, until PUBACKs go out
      if (!n.v5() && !holding && windowFull()) {
        holding = true;
        ctx.channel().config().setAutoRead(false);
      }
    }
    done.whenComplete((v, e) -> scheduleRelease());
  }

  int waitingPubacks() {
    return waitingPubacks;
  }

  boolean holding() {
    return holding;
  }

  private boolean windowFull() {
    return session.inboundQos2Count() + waitingPubacks >= n.limits().maxInflightMessages();
  }

  /**
   * One group commit completes thousands of futures on the writer thread: one event-loop task per
   * connection and batch sends them all, instead of one task per message.
   */
  private void scheduleRelease() {
    if (!releaseScheduled.getAndSet(true)) {
      ctx.executor().execute(this::release);
    }
  }

  /** Sends, in order, every acknowledgement at the head whose write has completed. */
  private void release() {
    releaseScheduled.set(false); // a write completing from here on schedules another pass
    boolean wrote = false;
    Pending p;
    while ((p = queue.peek()) != null && p.done().isDone()) {
      queue.poll();
      if (p.type() == MqttMessageType.PUBACK) {
        waitingPubacks--;
      }
      if (c.closing()) {
        continue;
      }
      if (p.done().isCompletedExceptionally()) {
        p.onFailure().run();
        refuse(p);
      } else {
        c.ack(p.type(), p.packetId(), p.reason());
      }
      wrote = true;
    }
    if (wrote) {
      ctx.flush();
    }
    if (holding && !windowFull()) {
      holding = false;
      c.resumeReading();
    }
  }

  /**
   * The store could not write: MQTT 5 gets the reason code (0x97 for a full disk, 0x80 otherwise) and
   * the client may send again; 3.1.1 has no code for it, so the connection closes without the ack and
   * the client resends after reconnecting. A PUBREL whose id could not be removed is never completed.
   */
  private void refuse(Pending p) {
    Throwable failure = failure(p.done());
    String cause = String.valueOf(failure.getMessage()); // the store's message names the disk error
    long now = System.currentTimeMillis();
    long last = lastLogged.get();
    if (now - last >= LOG_EVERY_MILLIS && lastLogged.compareAndSet(last, now)) {
      MqttConnectionHandler.LOG.warn("refusing QoS 1/2 messages: the store cannot write ({})", cause);
    }
    if (n.v5() && p.type() != MqttMessageType.PUBCOMP) {
      boolean full = SessionPersistence.diskFull(failure);
      c.ack(p.type(), p.packetId(), full ? ReasonCode.QUOTA_EXCEEDED : ReasonCode.UNSPECIFIED_ERROR);
      return;
    }
    c.closeQuietly(); // the incident is logged above
  }

  private static Throwable failure(CompletableFuture<Void> f) {
    try {
      f.join();
      return new IllegalStateException("not failed");
    } catch (CompletionException e) {
      return e.getCause() == null ? e : e.getCause();
    } catch (RuntimeException e) {
      return e;
    }
  }
}
