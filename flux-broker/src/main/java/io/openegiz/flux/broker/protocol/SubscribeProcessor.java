package io.openegiz.flux.broker.protocol;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** SUBSCRIBE and UNSUBSCRIBE: validation, authorisation, the topic tree, SUBACK/UNSUBACK, retained messages. */
final class SubscribeProcessor {
  private final MqttConnectionHandler c;
  /** Topic filters per second in SUBSCRIBE and UNSUBSCRIBE (max_subscribe_rate), or null: no limit. */
  private final TokenBucket filterBucket;

  SubscribeProcessor(MqttConnectionHandler c, SubscribeRate rate) {
    this.c = c;
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
        int rate = c.broker.config().security().subscribeRate().perSecond();
        c.audit(AuditLog.Event.RATE_LIMITED, "disconnected", Map.of("packet", packet, "filter_rate", rate));
        c.disconnect(ReasonCode.MESSAGE_RATE_TOO_HIGH, "more than " + rate + " topic filters per second in"
            + " SUBSCRIBE and UNSUBSCRIBE");
        return false;
      }
    }
    return true;
  }

  /** A subscription accepted by this SUBSCRIBE, kept to send its retained messages after the SUBACK. */
  private record Accepted(Subscription subscription, boolean existed) {}

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
    afterStored(() -> subAck(packetId, codes, accepted));
  }

  /**
   * Runs the reply now, or, for a persistent session with persistence on, once the new subscription
   * list is on disk (on the event loop, flushed). The subscriptions already work in memory meanwhile;
   * if the store fails they are kept in memory only (logged by the store).
   */
  private void afterStored(Runnable reply) {
    java.util.concurrent.CompletableFuture<Void> stored = c.broker.sessions().persistence()
        .subscriptionsChanged(c.session);
    if (stored.isDone()) {
      reply.run();
      return;
    }
    stored.whenComplete((v, e) -> c.ctx.executor().execute(() -> {
      if (c.state != MqttConnectionHandler.State.CLOSING) {
        reply.run();
        c.ctx.flush();
      }
    }));
  }

  private void subAck(int packetId, List<Integer> codes, List<Accepted> accepted) {
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    c.ctx.write(new MqttSubAckMessage(fh,
        new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
        new MqttSubAckPayload(codes)), c.ctx.voidPromise());
    for (Accepted a : accepted) {
      int rh = a.subscription().retainHandling();
      if (a.subscription().shareGroup() == null && (rh == 0 || (rh == 1 && !a.existed()))) { // [MQTT-3.3.1-9..11]
        c.broker.router().deliverRetained(c.session, a.subscription(), c.ctx.executor());
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
    if (!c.broker.authorizer().canSubscribe(c.identity, raw)) {
      c.denied("subscribe", raw);
      return failure(ReasonCode.NOT_AUTHORIZED);
    }
    String key = key(shared.group(), shared.filter());
    if (c.quotas.subscriptionRefused(key, raw)) {
      return failure(ReasonCode.QUOTA_EXCEEDED); // 3.1.1: 0x80
    }
    int qos = o.qos().value();
    Subscription s = new Subscription(c.identity.clientId(), shared.filter(), shared.group(), qos,
        c.v5 && o.isNoLocal(), c.v5 && o.isRetainAsPublished(), c.v5 ? o.retainHandling().value() : 0,
        subscriptionId);
    Subscription previous;
    synchronized (c.session) { // the lock detach takes: a takeover cannot end the session in between
      if (!c.session.attachedTo(c)) {
        return null; // taken over on another loop: this connection is being closed, its filters go nowhere
      }
      previous = c.broker.subscriptions().subscribe(s); // replaces: [MQTT-3.8.4-3]
      c.session.subscriptions().put(key, s);
    }
    accepted.add(new Accepted(s, previous != null));
    return qos;
  }

  private int failure(byte v5Reason) {
    return c.v5 ? v5Reason & 0xFF : 0x80;
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
        synchronized (c.session) { // as in subscribeOne: never the subscriptions of the session that took over
          if (!c.session.attachedTo(c)) {
            return;
          }
          removed = c.broker.subscriptions().unsubscribe(c.identity.clientId(), shared.group(), shared.filter());
          c.session.subscriptions().remove(key(shared.group(), shared.filter()));
        }
        code = removed ? ReasonCode.SUCCESS : ReasonCode.NO_SUBSCRIPTION_EXISTED;
      } catch (IllegalArgumentException e) {
        code = (short) (ReasonCode.TOPIC_FILTER_INVALID & 0xFF);
      }
      codes.add(code);
    }
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
    Object vh = c.v5
        ? new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES)
        : MqttMessageIdVariableHeader.from(m.variableHeader().messageId());
    afterStored(() -> c.ctx.write(new MqttUnsubAckMessage(fh, (MqttMessageIdVariableHeader) vh,
        c.v5 ? new MqttUnsubAckPayload(codes) : null), c.ctx.voidPromise()));
  }

  static String key(String group, String filter) {
    return group == null ? filter : "$share/" + group + "/" + filter;
  }
}
