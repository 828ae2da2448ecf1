package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.util.ReferenceCountUtil;
import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.config.SecurityConfig;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.TokenBucket;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One client's publish rate (SEC-5), taken from the bucket its identity shares with its other
 * connections, so that reconnecting does not refill it. Above it the client is, by default, slowed
 * down: its socket is not read and the packets already read are held back, in order, and handled as
 * the bucket refills, so nothing it sent is lost; with {@code publish_rate_action disconnect} it is
 * disconnected (0x96). Lives on the connection's event loop.
 */
final class PublishRateGate {
  private final MqttConnectionHandler c;
  private final ChannelHandlerContext ctx;
  private final BrokerContext broker;
  private final ClientLimits limits;
  private final String owner;
  /** Shared with the identity's other connections, and kept for a while after they end. */
  private final TokenBucket bucket;
  private final ArrayDeque<MqttMessage> held = new ArrayDeque<>(0); // grows when used: most connections never
  private boolean paused;
  private int slowdowns;

  /** The gate of a connection whose identity ({@code ClientIdentity.quotaOwner()}) is {@code owner}. */
  PublishRateGate(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, ClientLimits limits,
      String owner) {
    this.c = c;
    this.ctx = ctx;
    this.broker = broker;
    this.limits = limits;
    this.owner = owner;
    this.bucket = broker.quotas().publishRates().acquire(owner, limits.maxPublishRate(), limits.publishBurst());
  }

  /** True when the packet was held back; the caller must then not handle it. */
  boolean holdBack(MqttMessage m) {
    if (!held.isEmpty() || (overRate(m) && !c.closing())) {
      held.add(m); // kept in order behind the PUBLISH that is over the rate
      return true;
    }
    return false;
  }

  /** Whether the gate, not the client, stopped the reading (so keep alive must not count it). */
  boolean paused() {
    return paused;
  }

  private static boolean isPublish(MqttMessage m) {
    return m.fixedHeader() != null && m.fixedHeader().messageType() == MqttMessageType.PUBLISH
        && !m.decoderResult().isFailure();
  }

  private boolean overRate(MqttMessage m) {
    if (!isPublish(m) || bucket.tryTake(System.nanoTime())) {
      return false;
    }
    int rate = limits.maxPublishRate();
    broker.metrics().rateLimited(BrokerMetrics.RateLimit.PUBLISH_RATE);
    if (broker.config().security().rateAction() == SecurityConfig.RateAction.DISCONNECT) {
      c.audit(AuditLog.Event.RATE_LIMITED, "disconnected", Map.of("rate", rate));
      c.disconnect(ReasonCode.MESSAGE_RATE_TOO_HIGH, "more than " + rate + " PUBLISH per second");
      return false; // the connection is closing: the packet is released unprocessed
    }
    paused = true;
    ctx.channel().config().setAutoRead(false);
    if (slowdowns++ == 0) { // once per connection; the count is reported when it closes
      c.audit(AuditLog.Event.RATE_LIMITED, "slowed", Map.of("rate", rate));
    }
    schedule();
    return true;
  }

  private void schedule() {
    ctx.executor().schedule(this::resume, Math.max(1, bucket.nanosUntilToken(System.nanoTime())),
        TimeUnit.NANOSECONDS);
  }

  /** Handles the held-back packets as far as the bucket allows, then reads again. */
  private void resume() {
    MqttMessage m;
    while ((m = held.peek()) != null) {
      if (isPublish(m) && !c.closing() && !bucket.tryTake(System.nanoTime())) {
        schedule();
        c.endOfBatch();
        return;
      }
      c.handle(held.poll());
    }
    c.endOfBatch();
    paused = false;
    c.resumeReading();
  }

  /** The connection ended: releases what is still held back and the bucket, and reports repeated slow-downs. */
  void close() {
    broker.quotas().publishRates().release(owner, limits.maxPublishRate(), limits.publishBurst());
    MqttMessage m;
    while ((m = held.poll()) != null) {
      ReferenceCountUtil.release(m);
    }
    if (slowdowns > 1) {
      c.audit(AuditLog.Event.RATE_LIMITED, "slowed",
          Map.of("rate", limits.maxPublishRate(), "repeated", slowdowns - 1));
    }
  }
}
