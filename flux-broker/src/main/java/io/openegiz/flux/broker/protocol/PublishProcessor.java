package io.openegiz.flux.broker.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Topics;
import io.openegiz.flux.broker.security.AclCache;
import io.openegiz.flux.broker.session.Session;
import java.util.HashMap;
import java.util.Map;

/**
 * Inbound PUBLISH and PUBREL of one connection: topic aliases, validation, limits, authorisation,
 * routing, and the QoS 1/2 acknowledgements (after the store with {@code persistence true}, in the
 * order the packets came). Runs on the connection's event loop.
 */
final class PublishProcessor {
  private final MqttConnectionHandler c;
  private final BrokerContext broker;
  private final Negotiated n;
  private final Session session;
  private final QuotaGate quotas;
  private final Map<Integer, String> inboundAliases = new HashMap<>();
  private final AclCache acl; // this connection's publish decisions
  /** Inbound QoS 1/2 acknowledgements that wait for the store (persistence true). */
  private final DurableAcks durableAcks;

  PublishProcessor(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, Negotiated n,
      Session session, QuotaGate quotas) {
    this.c = c;
    this.broker = broker;
    this.n = n;
    this.session = session;
    this.quotas = quotas;
    this.acl = AclCache.publishes(broker.authorizer());
    this.durableAcks = new DurableAcks(c, ctx, broker, n, session);
  }

  void publish(MqttPublishMessage p) {
    int qos = p.fixedHeader().qosLevel().value();
    int id = p.variableHeader().packetId();
    MqttProperties props = p.variableHeader().properties();
    String topic = resolveTopic(p.variableHeader().topicName(), props);
    if (topic == null) {
      return;
    }
    byte[] payload = ByteBufUtil.getBytes(p.payload());
    broker.metrics().messageReceived(topic, qos, payload.length);
    if (qos > 0 && overReceiveMaximum(qos, id)) {
      return;
    }
    byte refusal = refusal(topic, payload, props);
    if (refusal == ReasonCode.PAYLOAD_FORMAT_INVALID && qos == 0) {
      c.disconnect(ReasonCode.PAYLOAD_FORMAT_INVALID, "payload is not valid UTF-8 but its format indicator says so");
      return;
    }
    if (qos == 2 && !session.beginInboundQos2(id)) {
      ackInOrder(MqttMessageType.PUBREC, id, ReasonCode.SUCCESS); // a resend before PUBREL: never routed twice
      return;
    }
    Message m = refusal == ReasonCode.SUCCESS ? toMessage(topic, payload, p, props) : null;
    if (m != null && m.retain()) {
      refusal = quotas.retained(m); // refused: neither retained nor delivered (docs/decisions.md)
    }
    if (refusal == ReasonCode.SUCCESS && qos > 0 && durable()) {
      durableAcks.publish(m, id); // acknowledged once stored
      return;
    }
    byte reason = refusal;
    if (refusal == ReasonCode.SUCCESS) {
      int delivered = broker.router().publish(m, c::pauseFor);
      reason = delivered == 0 ? ReasonCode.NO_MATCHING_SUBSCRIBERS : ReasonCode.SUCCESS;
    } else if (qos == 2) {
      session.releaseInboundQos2(id); // a refused QoS 2 exchange ends at its PUBREC (reason >= 0x80)
    }
    if (qos > 0) {
      ackInOrder(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, id, n.v5() ? reason : 0);
    }
  }

  /**
   * [MQTT-3.3.4-9] A client may have at most receive maximum QoS 1 and 2 PUBLISH unacknowledged: QoS 2
   * until its PUBREL, QoS 1 while its PUBACK waits for the store (persistence true; otherwise it goes out
   * at once). Beyond it: DISCONNECT 0x93. MQTT 3.1.1 has no receive maximum for QoS 1: a 3.1.1 client's
   * socket is not read while its window is full instead (see {@link DurableAcks}).
   */
  private boolean overReceiveMaximum(int qos, int id) {
    if (qos == 2 && session.awaitingRelease(id)) {
      return false; // a resend of one already counted
    }
    int max = n.limits().maxInflightMessages();
    int unacknowledged = session.inboundQos2Count() + (n.v5() ? durableAcks.waitingPubacks() : 0);
    if (unacknowledged < max || (qos == 1 && !n.v5())) {
      return false;
    }
    c.disconnect(ReasonCode.RECEIVE_MAXIMUM_EXCEEDED, "more than " + max
        + " QoS 1 and 2 messages unacknowledged (receive maximum)");
    return true;
  }

  /** Whether reading stopped because a 3.1.1 client's PUBACKs wait for the store (see {@link DurableAcks}). */
  boolean heldForStore() {
    return durableAcks.holding();
  }

  /** True with persistence on: inbound acknowledgements then wait for the store, in order. */
  private boolean durable() {
    return broker.sessions().persistence().enabled();
  }

  /** An acknowledgement that must not overtake those still waiting for the store. */
  private void ackInOrder(MqttMessageType type, int packetId, byte reason) {
    if (durable()) {
      durableAcks.now(type, packetId, reason);
    } else {
      c.ack(type, packetId, reason);
    }
  }

  /** Applies a topic alias [MQTT-3.3.2-12]; null (connection closed) when it is invalid. */
  private String resolveTopic(String topic, MqttProperties props) {
    MqttProperties.MqttProperty<?> aliasProp = props.getProperty(MqttProperties.TOPIC_ALIAS);
    if (aliasProp != null) {
      int alias = (Integer) aliasProp.value();
      if (alias == 0 || alias > ConnectProcessor.TOPIC_ALIAS_MAXIMUM) {
        c.disconnect(ReasonCode.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is outside 1.."
            + ConnectProcessor.TOPIC_ALIAS_MAXIMUM);
        return null;
      }
      if (topic.isEmpty()) {
        String known = inboundAliases.get(alias);
        if (known == null) {
          c.protocolError("topic alias " + alias + " used before it was set");
        }
        return known;
      }
      inboundAliases.put(alias, topic);
    }
    String invalid = Topics.validateTopicName(topic);
    if (invalid != null) {
      c.disconnect(ReasonCode.TOPIC_NAME_INVALID, "PUBLISH topic \"" + topic + "\": " + invalid);
      return null;
    }
    return topic;
  }

  /** Why a PUBLISH is refused without closing the connection, or SUCCESS. */
  private byte refusal(String topic, byte[] payload, MqttProperties props) {
    if (payload.length > n.limits().messageSizeLimit()) {
      broker.metrics().messageDropped(DropReason.OVERSIZE_PAYLOAD);
      MqttConnectionHandler.LOG.info("client {}: PUBLISH to {} dropped: payload {} bytes exceeds message_size_limit {}",
          n.identity().clientId(), topic, payload.length, n.limits().messageSizeLimit());
      return ReasonCode.PACKET_TOO_LARGE;
    }
    MqttProperties.MqttProperty<?> format = props.getProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR);
    if (format != null && Integer.valueOf(1).equals(format.value()) && !Utf8.isWellFormed(payload)) {
      return ReasonCode.PAYLOAD_FORMAT_INVALID; // [MQTT-3.3.2-4]
    }
    if (!acl.allows(n.identity(), topic)) {
      broker.metrics().messageDropped(DropReason.NOT_AUTHORIZED);
      c.denied("publish", topic);
      return ReasonCode.NOT_AUTHORIZED;
    }
    return ReasonCode.SUCCESS;
  }

  private Message toMessage(String topic, byte[] payload, MqttPublishMessage p, MqttProperties props) {
    long expiresAt = 0;
    MqttProperties.MqttProperty<?> expiry = props.getProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
    if (expiry != null) {
      expiresAt = broker.clock().millis() + ((Integer) expiry.value() & 0xFFFFFFFFL) * 1000;
    }
    return new Message(topic, payload, p.fixedHeader().qosLevel().value(), p.fixedHeader().isRetain(),
        n.identity().clientId(), expiresAt, n.v5() ? PropertiesMapper.fromPublish(props) : Message.Properties.NONE, 0,
        broker.metrics().timed() ? System.nanoTime() : 0);
  }

  void pubrel(int id) {
    boolean known = session.releaseInboundQos2(id);
    if (durable()) {
      durableAcks.pubrel(id, known);
      return;
    }
    c.ack(MqttMessageType.PUBCOMP, id, known || !n.v5() ? ReasonCode.SUCCESS : ReasonCode.PACKET_ID_NOT_FOUND);
  }
}
