package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.openegiz.flux.broker.config.SubscribeRate;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.message.SharedFilter;
import io.openegiz.flux.broker.message.Topics;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.TokenBucket;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.session.SessionPersistence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/** SUBSCRIBE and UNSUBSCRIBE: validation, authorisation, the topic tree, SUBACK/UNSUBACK, retained messages. */
final class SubscribeProcessor {
  private final MqttConnectionHandler c;
  private final ChannelHandlerContext ctx;
  private final BrokerContext broker;
  private final Negotiated n;
  private final Session session;
  private final QuotaGate quotas;
  /** Topic filters per second in SUBSCRIBE and UNSUBSCRIBE (max_subscribe_rate), or null: no limit. */
  private final TokenBucket filterBucket;

  SubscribeProcessor(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, Negotiated n,
      Session session, QuotaGate quotas) {
    this.c = c;
    this.ctx = ctx;
    this.broker = broker;
    this.n = n;
    this.session = session;
    this.quotas = quotas;
    SubscribeRate rate = broker.config().security().subscribeRate();
    this.filterBucket = rate.perSecond() > 0
        ? new TokenBucket(rate.perSecond(), rate.burst(), System.nanoTime())
        : null;
  }

  /**
   * Takes one token per topic filter; a client above its rate is disconnected (MQTT 5 0x96) and
   * audited. A device subscribes a few times after it connects: one that keeps sending filters is
   * probing the ACL or flooding the audit log, and holding it back would only keep it connected.
   */
  private boolean withinRate(int n, String packet) {
    long now = System.nanoTime();
    for (int i = 0; filterBucket != null && i < n; i++) {
      if (!filterBucket.tryTake(now)) {
        int rate = broker.config().security().subscribeRate().perSecond();
        broker.metrics().rateLimited(BrokerMetrics.RateLimit.SUBSCRIBE_RATE);
        c.audit(AuditLog.Event.RATE_LIMITED, "disconnected", Map.of("packet", packet, "filter_rate", rate));
        c.disconnect(ReasonCode.MESSAGE_RATE_TOO_HIGH, "more than " + rate + " topic filters per second in"
            + " SUBSCRIBE and UNSUBSCRIBE");
        return false;
      }
    }
    return true;
  }

  /**
   * A subscription accepted by this SUBSCRIBE, kept to send its retained messages after the SUBACK, or
   * to restore what it replaced when the store cannot write it.
   *
   * @param previous the subscription it replaced, or null
   */
  private record Accepted(String key, Subscription subscription, Subscription previous) {
    boolean existed() {
      return previous != null;
    }
  }

  void subscribe(MqttSubscribeMessage m) {
    List<MqttTopicSubscription> topics = m.payload().topicSubscriptions();
    if (topics.isEmpty()) {
      c.protocolError("SUBSCRIBE without topic filters"); // [MQTT-3.8.3-3]
      return;
    }
    if (!withinRate(topics.size(), "subscribe")) {
      return;
    }
    int subscriptionId = 0;
    MqttProperties.MqttProperty<?> idProp = m.idAndPropertiesVariableHeader().properties()
        .getProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER);
    if (idProp != null) {
      subscriptionId = (Integer) idProp.value();
      if (subscriptionId == 0) {
        c.protocolError("subscription identifier 0"); // [MQTT-3.8.2-...]
        return;
      }
    }
    List<Integer> codes = new ArrayList<>(topics.size());
    List<Accepted> accepted = new ArrayList<>(topics.size());
    for (MqttTopicSubscription t : topics) {
      Integer code = subscribeOne(t, subscriptionId, accepted);
      if (code == null) {
        return; // connection closed
      }
      codes.add(code);
    }
    int packetId = m.variableHeader().messageId();
    afterStored(failure -> {
      if (failure == null) {
        subAck(packetId, codes, accepted);
        return;
      }
      storeFailed("SUBSCRIBE", failure);
      rollBack(accepted);
      int refused = n.v5()
          ? (SessionPersistence.diskFull(failure)
              ? ReasonCode.QUOTA_EXCEEDED
              : ReasonCode.UNSPECIFIED_ERROR) & 0xFF
          : 0x80;
      subAck(packetId, codes.stream().map(code -> code < 0x80 ? refused : code).toList(), List.of());
    });
  }

  /**
   * The store could not write the new subscription list: the client is told the filters failed, so
   * they are undone in memory too (a replaced subscription comes back), and memory and disk agree.
   */
  private void rollBack(List<Accepted> accepted) {
    synchronized (session) { // as in subscribeOne
      if (!session.attachedTo(c)) {
        return;
      }
      for (Accepted a : accepted) {
        Subscription s = a.subscription();
        if (a.previous() != null) {
          broker.subscriptions().subscribe(a.previous());
          session.subscriptions().put(a.key(), a.previous());
        } else {
          broker.subscriptions().unsubscribe(s.clientId(), s.shareGroup(), s.filter());
          session.subscriptions().remove(a.key());
        }
      }
    }
  }

  private void storeFailed(String packet, Throwable failure) {
    MqttConnectionHandler.LOG.warn("client {}: {} not stored, the store cannot write: {}", c.clientId(), packet,
        String.valueOf(failure.getMessage()));
  }

  /**
   * Runs the reply now, or, for a persistent session with persistence on, once the new subscription
   * list is on disk (on the event loop, flushed). The subscriptions already work in memory meanwhile.
   * The reply is given the store's failure, or null when the list was stored.
   */
  private void afterStored(Consumer<Throwable> reply) {
    CompletableFuture<Void> stored = broker.sessions().persistence().subscriptionsChanged(session);
    if (stored.isDone()) {
      reply.accept(stored.isCompletedExceptionally() ? cause(stored.exceptionNow()) : null);
      return;
    }
    stored.whenComplete((v, e) -> ctx.executor().execute(() -> {
      if (!c.closing()) {
        reply.accept(e == null ? null : cause(e));
        ctx.flush();
      }
    }));
  }

  private static Throwable cause(Throwable e) {
    return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
  }

  private void subAck(int packetId, List<Integer> codes, List<Accepted> accepted) {
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    ctx.write(new MqttSubAckMessage(fh,
        new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
        new MqttSubAckPayload(codes)), ctx.voidPromise());
    for (Accepted a : accepted) {
      int rh = a.subscription().retainHandling();
      if (a.subscription().shareGroup() == null && (rh == 0 || (rh == 1 && !a.existed()))) { // [MQTT-3.3.1-9..11]
        broker.router().deliverRetained(session, a.subscription(), ctx.executor());
      }
    }
  }

  /** Subscribes one filter; returns the SUBACK code, or null when the connection was closed. */
  private Integer subscribeOne(MqttTopicSubscription t, int subscriptionId, List<Accepted> accepted) {
    String raw = t.topicFilter();
    MqttSubscriptionOption o = t.option();
    SharedFilter shared;
    String invalid = raw == null ? "filter is not valid UTF-8" : null;
    try {
      shared = invalid == null ? Topics.parseShared(raw) : null;
    } catch (IllegalArgumentException e) {
      shared = null;
      invalid = e.getMessage();
    }
    if (invalid == null) {
      invalid = Topics.validateTopicFilter(shared.filter());
    }
    if (invalid != null) {
      MqttConnectionHandler.LOG.info("client {}: SUBSCRIBE \"{}\" refused: {}", c.clientId(), raw, invalid);
      return failure(ReasonCode.TOPIC_FILTER_INVALID);
    }
    if (shared.group() != null && o.isNoLocal()) {
      c.protocolError("no local on shared subscription " + raw); // [MQTT-3.8.3-4]
      return null;
    }
    if (!broker.authorizer().canSubscribe(n.identity(), raw)) {
      c.denied("subscribe", raw);
      return failure(ReasonCode.NOT_AUTHORIZED);
    }
    String key = key(shared.group(), shared.filter());
    if (quotas.subscriptionRefused(session, key, raw)) {
      return failure(ReasonCode.QUOTA_EXCEEDED); // 3.1.1: 0x80
    }
    int qos = o.qos().value();
    Subscription s = new Subscription(n.identity().clientId(), shared.filter(), shared.group(), qos,
        n.v5() && o.isNoLocal(), n.v5() && o.isRetainAsPublished(), n.v5() ? o.retainHandling().value() : 0,
        subscriptionId);
    Subscription previous;
    synchronized (session) { // the lock detach takes: a takeover cannot end the session in between
      if (!session.attachedTo(c)) {
        return null; // taken over on another loop: this connection is being closed, its filters go nowhere
      }
      previous = broker.subscriptions().subscribe(s); // replaces: [MQTT-3.8.4-3]
      session.subscriptions().put(key, s);
    }
    accepted.add(new Accepted(key, s, previous));
    return qos;
  }

  private int failure(byte v5Reason) {
    return n.v5() ? v5Reason & 0xFF : 0x80;
  }

  void unsubscribe(MqttUnsubscribeMessage m) {
    List<String> filters = m.payload().topics();
    if (filters.isEmpty()) {
      c.protocolError("UNSUBSCRIBE without topic filters"); // [MQTT-3.10.3-2]
      return;
    }
    if (!withinRate(filters.size(), "unsubscribe")) {
      return;
    }
    List<Short> codes = new ArrayList<>(filters.size());
    for (String raw : filters) {
      short code;
      try {
        SharedFilter shared = Topics.parseShared(raw);
        boolean removed;
        synchronized (session) { // as in subscribeOne: never the subscriptions of the session that took over
          if (!session.attachedTo(c)) {
            return;
          }
          removed = broker.subscriptions().unsubscribe(n.identity().clientId(), shared.group(), shared.filter());
          session.subscriptions().remove(key(shared.group(), shared.filter()));
        }
        code = removed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
      } catch (IllegalArgumentException e) {
        code = (short) (ReasonCode.TOPIC_FILTER_INVALID & 0xFF);
      }
      codes.add(code);
    }
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    Object vh = n.v5()
        ? new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES)
        : MqttMessageIdVariableHeader.from(m.variableHeader().messageId());
    afterStored(failure -> {
      if (failure != null) {
        storeFailed("UNSUBSCRIBE", failure); // unsubscribed in memory: nothing is delivered until a restart
      }
      ctx.write(new MqttUnsubAckMessage(fh, (MqttMessageIdVariableHeader) vh,
          n.v5() ? new MqttUnsubAckPayload(codes) : null), ctx.voidPromise());
    });
  }

  static String key(String group, String filter) {
    return group == null ? filter : "$share/" + group + "/" + filter;
  }
}
