package io.openegiz.flux.broker.protocol;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.message.Message;
import java.util.HashMap;
import java.util.Map;
import io.openegiz.flux.broker.message.Delivery;

/**
 * Writes outbound PUBLISH packets to one client within the limits it announced in CONNECT: its
 * maximum packet size [MQTT-3.1.2-25] and its topic alias maximum [MQTT-3.3.2-8]. Event loop only.
 */
final class PublishWriter {
  private final ChannelHandlerContext ctx;
  private final BrokerContext broker;
  private final Negotiated n;
  private final Map<String, Integer> aliases = new HashMap<>();

  PublishWriter(ChannelHandlerContext ctx, BrokerContext broker, Negotiated n) {
    this.ctx = ctx;
    this.broker = broker;
    this.n = n;
  }

  /** Writes (without flushing) a PUBLISH; false when it is larger than the client accepts. */
  boolean write(Delivery d, int packetId, boolean dup) {
    Message m = d.message();
    String topic = m.topic();
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    int propertiesLength = -1; // MQTT 3.1.1: no property block
    if (n.v5()) {
      props = PropertiesMapper.toPublish(m, d.subscriptionIds(), broker.clock().millis());
      propertiesLength = PublishSize.properties(props);
    }
    long limit = n.clientMaximumPacketSize();
    int payload = m.payload().length;
    Integer alias = n.v5() ? aliases.get(topic) : null;
    if (alias != null) {
      topic = ""; // the alias stands for the topic
    }
    // a new alias only on a packet that fits with it: the client must see every alias it is to resolve
    boolean newAlias = alias == null && n.v5() && aliases.size() < n.clientTopicAliasMaximum()
        && PublishSize.packet(topic, d.qos(), propertiesLength + PublishSize.TOPIC_ALIAS_BYTES, payload) <= limit;
    int aliasBytes = alias != null || newAlias ? PublishSize.TOPIC_ALIAS_BYTES : 0;
    if (PublishSize.packet(topic, d.qos(), propertiesLength + aliasBytes, payload) > limit) {
      broker.metrics().messageDropped(DropReason.TOO_LARGE_FOR_CLIENT); // [MQTT-3.1.2-25]
      return false;
    }
    if (newAlias) {
      alias = aliases.size() + 1;
      aliases.put(topic, alias);
    }
    if (alias != null) {
      props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
    }
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(d.qos()),
        d.retain(), 0);
    ctx.write(new MqttPublishMessage(fh, new MqttPublishVariableHeader(topic, d.qos() == 0 ? -1 : packetId, props),
        Unpooled.wrappedBuffer(m.payload())), ctx.voidPromise());
    broker.metrics().messageSent(m.topic(), d.qos(), m.payload().length);
    if (m.receivedNanos() != 0 && !d.retain()) { // a retained message sent on SUBSCRIBE is not a delivery delay
      broker.metrics().publishLatency(System.nanoTime() - m.receivedNanos());
    }
    return true;
  }
}
