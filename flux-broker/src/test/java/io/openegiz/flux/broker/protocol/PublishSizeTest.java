package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.AttributeKey;
import io.openegiz.flux.broker.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The computed size of a PUBLISH is the size Netty's encoder writes, to the byte, for MQTT 3.1.1 and 5,
 * every QoS, multi-byte topics, every property the broker forwards, subscription identifiers of each
 * variable byte integer length, and topic aliases.
 */
class PublishSizeTest {
  /** The channel attribute Netty's codec keeps the protocol version in (MqttCodecUtil). */
  private static final AttributeKey<MqttVersion> VERSION = AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");
  private static final String[] TOPIC_PARTS = {"a", "oven", "éé", "温度", "\uD83D\uDD25", "x/y", ""};

  private static int encoded(MqttVersion version, String topic, int qos, MqttProperties props, byte[] payload) {
    EmbeddedChannel ch = new EmbeddedChannel(MqttEncoder.INSTANCE);
    ch.attr(VERSION).set(version);
    MqttFixedHeader fh = new MqttFixedHeader(MqttMessageType.PUBLISH, false, MqttQoS.valueOf(qos), false, 0);
    ch.writeOutbound(new MqttPublishMessage(fh, new MqttPublishVariableHeader(topic, qos == 0 ? -1 : 7, props),
        Unpooled.wrappedBuffer(payload)));
    int size = 0;
    for (ByteBuf b; (b = ch.readOutbound()) != null;) {
      size += b.readableBytes();
      b.release();
    }
    ch.finishAndReleaseAll();
    return size;
  }

  private static String text(Random r, int parts) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < parts; i++) {
      s.append(TOPIC_PARTS[r.nextInt(TOPIC_PARTS.length)]);
    }
    return s.toString();
  }

  private static Message message(Random r, String topic) {
    List<Message.UserProperty> user = new ArrayList<>();
    for (int i = r.nextInt(3); i > 0; i--) {
      user.add(new Message.UserProperty(text(r, r.nextInt(4)), text(r, r.nextInt(40))));
    }
    Message.Properties p = new Message.Properties(r.nextBoolean() ? 1 : null,
        r.nextBoolean() ? text(r, 3) : null, r.nextBoolean() ? text(r, 5) : null,
        r.nextBoolean() ? new byte[r.nextInt(300)] : null, user);
    long expiresAt = r.nextBoolean() ? 1_000_000 + r.nextInt(10_000_000) : 0;
    return new Message(topic, new byte[r.nextInt(r.nextBoolean() ? 200 : 20_000)], 1, false, "p", expiresAt, p);
  }

  @Test
  void theComputedSizeIsTheEncodedSize() {
    Random r = new Random(12);
    int[] subscriptionIds = {1, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152, 268_435_455};
    for (int i = 0; i < 2_000; i++) {
      String topic = text(r, 1 + r.nextInt(r.nextBoolean() ? 4 : 60));
      int qos = r.nextInt(3);
      Message m = message(r, topic);
      List<Integer> ids = new ArrayList<>();
      for (int n = r.nextInt(3); n > 0; n--) {
        ids.add(subscriptionIds[r.nextInt(subscriptionIds.length)]);
      }
      MqttProperties props = PropertiesMapper.toPublish(m, ids, 1_000_000);
      String sent = topic;
      if (r.nextBoolean()) {
        props.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS, 1 + r.nextInt(10)));
        sent = r.nextBoolean() ? "" : topic;
      }
      assertThat(PublishSize.packet(sent, qos, PublishSize.properties(props), m.payload().length))
          .as("MQTT 5 PUBLISH %d", i).isEqualTo(encoded(MqttVersion.MQTT_5, sent, qos, props, m.payload()));
      assertThat(PublishSize.packet(topic, qos, -1, m.payload().length)).as("MQTT 3.1.1 PUBLISH %d", i)
          .isEqualTo(encoded(MqttVersion.MQTT_3_1_1, topic, qos, MqttProperties.NO_PROPERTIES, m.payload()));
    }
  }

  @Test
  void theRemainingLengthGrowsAtItsBoundaries() {
    // remaining length 127 takes one byte, 128 two: 1 + 1 + 127 and 1 + 2 + 128
    assertThat(PublishSize.packet("t", 0, -1, 124)).isEqualTo(129);
    assertThat(PublishSize.packet("t", 0, -1, 125)).isEqualTo(131);
  }
}
