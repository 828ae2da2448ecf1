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
  private final MqttConnectionHandler c;
  private final Map<String, Integer> aliases = new HashMap<>();

  PublishWriter(MqttConnectionHandler c) {
    this.c = c;
  }

  /** Writes (without flushing) a PUBLISH; false when it is larger than the client accepts. */
  boolean write(Delivery d, int packetId, boolean dup) {
    Message m = d.message();
    if (m.encodedSizeEstimate(d.subscriptionIds().size()) > c.clientMaximumPacketSize) {
      c.broker.metrics().messageDropped(DropReason.TOO_LARGE_FOR_CLIENT); // [MQTT-3.1.2-25]
      return false;
    }
    String topic = m.topic();
    MqttProperties props = MqttProperties.NO_PROPERTIES;
    if (c.v5) {
      props = PropertiesMapper.toPublish(m, d.subscriptionIds(), c.broker.clock().millis());
      if (c.clientTopicAliasMaximum > 0) {
        topic = alias(topic, props);
      }
    }
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, MqttQoS.valueOf(d.qos()),
        d.retain(), 0);
    ChannelHandlerContext ctx = c.ctx;
    ctx.write(new MqttPublishMessage(fh, new MqttPublishVariableHeader(topic, d.qos() == 0 ? -1 : packetId, props),
        Unpooled.wrappedBuffer(m.payload())), ctx.voidPromise());
    c.broker.metrics().messageSent(m.payload().length);
    return true;
  }

  /** The topic to send: empty when an alias already stands for it, set up while aliases remain. */
  private String alias(String topic, MqttProperties props) {
    Integer alias = aliases.get(topic);
    if (alias != null) {
      props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, alias));
      return "";
    }
    if (aliases.size() < c.clientTopicAliasMaximum) {
      int next = aliases.size() + 1;
      aliases.put(topic, next);
      props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, next));
    }
    return topic;
  }
}
