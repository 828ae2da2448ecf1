package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscriptionOption;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Codec round trips for every packet type, MQTT 3.1.1 and 5 (with properties): each packet is encoded
 * with Netty's {@link MqttEncoder}, decoded by the broker's decoder pipeline ({@link MqttFrameDecoder}
 * then Netty's {@link MqttDecoder}, as the listener assembles them), and must decode without failure
 * into a packet that encodes to the very same bytes.
 */
class MqttCodecRoundTripTest {

  private static MqttProperties props(boolean v5, MqttProperties.MqttProperty<?>... ps) {
    MqttProperties p = new MqttProperties();
    if (v5) {
      for (MqttProperties.MqttProperty<?> x : ps) {
        p.add(x);
      }
    }
    return p;
  }

  private static MqttProperties.StringProperty reasonString(String s) {
    return new MqttProperties.StringProperty(MqttProperties.REASON_STRING, s);
  }

  private static MqttProperties.UserProperty user(String k, String v) {
    return new MqttProperties.UserProperty(k, v);
  }

  private static MqttFixedHeader header(MqttMessageType type, int qos) {
    return new MqttFixedHeader(type, false, MqttQoS.valueOf(qos), false, 0);
  }

  /** Every packet type, in the order a session could send them; the CONNECT first sets the version. */
  private static List<MqttMessage> packets(MqttVersion version) {
    boolean v5 = version == MqttVersion.MQTT_5;
    List<MqttMessage> out = new ArrayList<>();
    out.add(MqttMessageBuilders.connect().protocolVersion(version).clientId("dev-1").cleanSession(true)
        .keepAlive(45).username("user").password("secret".getBytes(StandardCharsets.UTF_8)).willFlag(true)
        .willTopic("will/dev-1").willMessage("bye".getBytes(StandardCharsets.UTF_8)).willQoS(MqttQoS.AT_LEAST_ONCE)
        .willRetain(true)
        .properties(props(v5, new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 3600),
            new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 20),
            new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, 4096), user("site", "A")))
        .willProperties(props(v5, new MqttProperties.IntegerProperty(MqttProperties.WILL_DELAY_INTERVAL, 5)))
        .build());
    out.add(MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(true)
        .properties(props(v5, new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, 10),
            new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, "flux-x")))
        .build());
    for (int qos = 0; qos <= 2; qos++) {
      out.add(MqttMessageBuilders.publish().topicName("plant/line-1/temp").qos(MqttQoS.valueOf(qos)).retained(qos == 1)
          .messageId(qos == 0 ? 0 : 100 + qos).payload(Unpooled.copiedBuffer("21.5", StandardCharsets.UTF_8))
          .properties(props(v5, new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, 1),
              new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, "text/plain"),
              new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, new byte[] {1, 2}),
              user("unit", "C")))
          .build());
    }
    out.addAll(acknowledgements(v5));
    return out;
  }

  /** PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ/RESP, AUTH, DISCONNECT. */
  private static List<MqttMessage> acknowledgements(boolean v5) {
    List<MqttMessage> out = new ArrayList<>();
    for (MqttMessageType t : List.of(MqttMessageType.PUBACK, MqttMessageType.PUBREC, MqttMessageType.PUBREL,
        MqttMessageType.PUBCOMP)) {
      Object vh = v5
          ? new MqttPubReplyMessageVariableHeader(7, ReasonCode.NO_MATCHING_SUBSCRIBERS, props(true,
              reasonString("none")))
          : MqttMessageIdVariableHeader.from(7);
      out.add(new MqttMessage(header(t, t == MqttMessageType.PUBREL ? 1 : 0), vh));
    }
    out.add(MqttMessageBuilders.subscribe().messageId(8)
        .addSubscription("a/+/c", new MqttSubscriptionOption(MqttQoS.EXACTLY_ONCE, v5, v5, v5
            ? MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE_IF_NOT_YET_EXISTS
            : MqttSubscriptionOption.RetainedHandlingPolicy.SEND_AT_SUBSCRIBE))
        .addSubscription(MqttQoS.AT_MOST_ONCE, "$share/g/b/#")
        .properties(props(v5, new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, 12)))
        .build());
    out.add(MqttMessageBuilders.subAck().packetId((short) 8).addGrantedQoses(MqttQoS.EXACTLY_ONCE, MqttQoS.FAILURE)
        .properties(props(v5, reasonString("partly"))).build());
    out.add(MqttMessageBuilders.unsubscribe().messageId(9).addTopicFilter("a/+/c").addTopicFilter("x")
        .properties(props(v5, user("k", "v"))).build());
    MqttMessageBuilders.UnsubAckBuilder unsuback = MqttMessageBuilders.unsubAck().packetId((short) 9);
    if (v5) {
      unsuback.addReasonCodes((short) 0, (short) ReasonCode.NO_SUBSCRIPTION_EXISTED)
          .properties(props(true, reasonString("ok")));
    }
    out.add(unsuback.build());
    out.add(new MqttMessage(header(MqttMessageType.PINGREQ, 0)));
    out.add(new MqttMessage(header(MqttMessageType.PINGRESP, 0)));
    if (v5) {
      out.add(MqttMessageBuilders.auth().reasonCode((byte) 0x18).properties(props(true,
          new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "SCRAM"))).build());
      out.add(MqttMessageBuilders.disconnect().reasonCode(ReasonCode.DISCONNECT_WITH_WILL)
          .properties(props(true, new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, 0)))
          .build());
    } else {
      out.add(new MqttMessage(header(MqttMessageType.DISCONNECT, 0)));
    }
    return out;
  }

  private static byte[] encode(EmbeddedChannel encoder, MqttMessage m) {
    assertThat(encoder.writeOutbound(m)).isTrue();
    ByteBuf all = Unpooled.buffer();
    ByteBuf b;
    while ((b = encoder.readOutbound()) != null) {
      all.writeBytes(b);
      b.release();
    }
    return ByteBufUtil.getBytes(all);
  }

  @ParameterizedTest
  @EnumSource(value = MqttVersion.class, names = {"MQTT_3_1_1", "MQTT_5"})
  void everyPacketTypeSurvivesTheBrokersDecoder(MqttVersion version) {
    EmbeddedChannel client = new EmbeddedChannel(MqttEncoder.INSTANCE);
    EmbeddedChannel broker = new EmbeddedChannel(new MqttFrameDecoder(1 << 16, 1 << 16), new MqttDecoder(1 << 16,
        65535));
    EmbeddedChannel reencoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
    try {
      for (MqttMessage sent : packets(version)) {
        MqttMessageType type = sent.fixedHeader().messageType();
        byte[] wire = encode(client, sent);
        broker.writeInbound(Unpooled.wrappedBuffer(wire));
        MqttMessage got = broker.readInbound();
        assertThat(got).as(version + " " + type).isNotNull();
        try {
          assertThat(got.decoderResult().isSuccess()).as(version + " " + type + ": " + got.decoderResult()).isTrue();
          assertThat(got.fixedHeader().messageType()).isEqualTo(type);
          if (got instanceof MqttConnectMessage c) {
            assertThat(c.variableHeader().version()).isEqualTo(version.protocolLevel());
            assertThat(c.payload().clientIdentifier()).isEqualTo("dev-1");
          }
          if (version == MqttVersion.MQTT_5
              && got.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
            assertThat(h.reasonCode()).isEqualTo(((MqttReasonCodeAndPropertiesVariableHeader) sent.variableHeader())
                .reasonCode());
          }
          byte[] again = encode(reencoder, ReferenceCountUtil.retain(got));
          assertThat(ByteBufUtil.hexDump(again)).as(version + " " + type).isEqualTo(ByteBufUtil.hexDump(wire));
        } finally {
          ReferenceCountUtil.release(got);
        }
        assertThat((Object) broker.readInbound()).as("one packet per frame").isNull();
      }
    } finally {
      client.finishAndReleaseAll();
      broker.finishAndReleaseAll();
      reencoder.finishAndReleaseAll();
    }
  }
}
