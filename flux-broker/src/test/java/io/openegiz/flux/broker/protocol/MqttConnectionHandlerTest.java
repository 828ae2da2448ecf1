package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One test per packet type on the broker's own pipeline over {@code EmbeddedChannel}s (no network):
 * CONNECT, PUBLISH with QoS 0, 1 and 2 in both directions, PUBACK/PUBREC/PUBREL/PUBCOMP,
 * SUBSCRIBE/UNSUBSCRIBE, PINGREQ, DISCONNECT (with and without will), and packets out of place.
 */
class MqttConnectionHandlerTest {
  private ConnectionFixture f = ConnectionFixture.create();

  @AfterEach
  void close() {
    f.close();
  }

  static MqttFixedHeader header(MqttMessageType type, int qos) {
    return new MqttFixedHeader(type, false, MqttQoS.valueOf(qos), false, 0);
  }

  static MqttMessage ack(MqttMessageType type, int packetId) {
    return new MqttMessage(header(type, type == MqttMessageType.PUBREL ? 1 : 0),
        MqttMessageIdVariableHeader.from(packetId));
  }

  static MqttPublishMessage publish(String topic, int qos, int packetId, String payload) {
    return MqttMessageBuilders.publish().topicName(topic).qos(MqttQoS.valueOf(qos)).messageId(packetId)
        .payload(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8)).build();
  }

  static MqttMessage subscribe(int packetId, String filter, int qos) {
    return MqttMessageBuilders.subscribe().messageId(packetId).addSubscription(MqttQoS.valueOf(qos), filter).build();
  }

  static String text(MqttPublishMessage p) {
    return p.payload().toString(StandardCharsets.UTF_8);
  }

  static int packetId(MqttMessage m) {
    return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
  }

  static byte reason(MqttMessage m) {
    return m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h ? h.reasonCode() : 0;
  }

  private ConnectionFixture.Conn subscriber(String id, String filter, int qos) {
    ConnectionFixture.Conn s = f.open();
    assertAccepted(s.connect(id, MqttVersion.MQTT_3_1_1));
    s.send(subscribe(1, filter, qos));
    assertThat(s.next().fixedHeader().messageType()).isEqualTo(MqttMessageType.SUBACK);
    return s;
  }

  static void assertAccepted(MqttMessage m) {
    assertThat(m).isInstanceOf(MqttConnAckMessage.class);
    assertThat(((MqttConnAckMessage) m).variableHeader().connectReturnCode())
        .isEqualTo(MqttConnectReturnCode.CONNECTION_ACCEPTED);
  }

  @Test
  void connectIsAnsweredWithConnack() {
    ConnectionFixture.Conn c = f.open();
    MqttConnAckMessage ack = (MqttConnAckMessage) c.connect("dev-1", MqttVersion.MQTT_3_1_1);
    assertAccepted(ack);
    assertThat(ack.variableHeader().isSessionPresent()).isFalse();
    assertThat(c.isOpen()).isTrue();
  }

  @Test
  void mqtt5ConnackAnnouncesTheBrokersLimits() {
    ConnectionFixture.Conn c = f.open();
    MqttConnAckMessage ack = (MqttConnAckMessage) c.connect(MqttMessageBuilders.connect().clientId("")
        .protocolVersion(MqttVersion.MQTT_5).cleanSession(true).keepAlive(30));
    assertAccepted(ack);
    MqttProperties p = ack.variableHeader().properties();
    assertThat(p.getProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM).value())
        .isEqualTo(ConnectProcessor.TOPIC_ALIAS_MAXIMUM);
    assertThat(p.getProperty(MqttProperties.RECEIVE_MAXIMUM)).isNotNull();
    assertThat((String) p.getProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER).value()).startsWith("flux-");
  }

  @Test
  void publishQos0IsRoutedAndNotAcknowledged() {
    ConnectionFixture.Conn sub = subscriber("sub", "t/#", 0);
    ConnectionFixture.Conn pub = f.open();
    assertAccepted(pub.connect("pub", MqttVersion.MQTT_3_1_1));
    pub.send(publish("t/a", 0, 0, "hello"));
    assertThat(pub.received()).isEmpty();
    MqttPublishMessage got = (MqttPublishMessage) sub.next();
    assertThat(got.variableHeader().topicName()).isEqualTo("t/a");
    assertThat(text(got)).isEqualTo("hello");
  }

  @Test
  void publishQos1IsAcknowledgedWithPubackBothWays() {
    ConnectionFixture.Conn sub = subscriber("sub", "t/#", 1);
    ConnectionFixture.Conn pub = f.open();
    assertAccepted(pub.connect("pub", MqttVersion.MQTT_3_1_1));
    pub.send(publish("t/a", 1, 7, "one"));
    MqttMessage puback = pub.next();
    assertThat(puback.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBACK);
    assertThat(packetId(puback)).isEqualTo(7);
    MqttPublishMessage got = (MqttPublishMessage) sub.next();
    assertThat(got.fixedHeader().qosLevel()).isEqualTo(MqttQoS.AT_LEAST_ONCE);
    sub.send(ack(MqttMessageType.PUBACK, got.variableHeader().packetId()));
    assertThat(sub.received()).isEmpty();
    assertThat(sub.isOpen()).isTrue();
  }

  @Test
  void publishQos2RunsPubrecPubrelPubcompBothWays() {
    ConnectionFixture.Conn sub = subscriber("sub", "t/#", 2);
    ConnectionFixture.Conn pub = f.open();
    assertAccepted(pub.connect("pub", MqttVersion.MQTT_3_1_1));
    pub.send(publish("t/a", 2, 9, "two"));
    MqttMessage pubrec = pub.next();
    assertThat(pubrec.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREC);
    assertThat(packetId(pubrec)).isEqualTo(9);
    pub.send(publish("t/a", 2, 9, "two")); // a resend before PUBREL: acknowledged, never routed twice
    assertThat(pub.next().fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREC);
    pub.send(ack(MqttMessageType.PUBREL, 9));
    MqttMessage pubcomp = pub.next();
    assertThat(pubcomp.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBCOMP);
    assertThat(packetId(pubcomp)).isEqualTo(9);

    MqttPublishMessage got = (MqttPublishMessage) sub.next();
    assertThat(text(got)).isEqualTo("two");
    int id = got.variableHeader().packetId();
    sub.send(ack(MqttMessageType.PUBREC, id));
    MqttMessage pubrel = sub.next();
    assertThat(pubrel.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBREL);
    assertThat(packetId(pubrel)).isEqualTo(id);
    sub.send(ack(MqttMessageType.PUBCOMP, id));
    assertThat(sub.received()).isEmpty();
    assertThat(sub.isOpen()).isTrue();
  }

  @Test
  void pubrelForAnUnknownIdIsAnsweredPacketIdNotFoundInMqtt5() {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect("c", MqttVersion.MQTT_5));
    c.send(ack(MqttMessageType.PUBREL, 42));
    MqttMessage pubcomp = c.next();
    assertThat(pubcomp.fixedHeader().messageType()).isEqualTo(MqttMessageType.PUBCOMP);
    assertThat(reason(pubcomp)).isEqualTo(ReasonCode.PACKET_ID_NOT_FOUND);
  }

  @Test
  void subscribeAndUnsubscribeAreAcknowledgedWithTheirCodes() {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect("c", MqttVersion.MQTT_5));
    c.send(MqttMessageBuilders.subscribe().messageId(3).addSubscription(MqttQoS.AT_LEAST_ONCE, "a/+")
        .addSubscription(MqttQoS.EXACTLY_ONCE, "a/#/b").build());
    MqttSubAckMessage suback = (MqttSubAckMessage) c.next();
    assertThat(suback.variableHeader().messageId()).isEqualTo(3);
    assertThat(suback.payload().reasonCodes()).containsExactly(1, ReasonCode.TOPIC_FILTER_INVALID & 0xFF);
    c.send(MqttMessageBuilders.unsubscribe().messageId(4).addTopicFilter("a/+").addTopicFilter("x").build());
    MqttUnsubAckMessage unsuback = (MqttUnsubAckMessage) c.next();
    assertThat(unsuback.variableHeader().messageId()).isEqualTo(4);
    assertThat(unsuback.payload().unsubscribeReasonCodes())
        .containsExactly((short) 0, (short) ReasonCode.NO_SUBSCRIPTION_EXISTED);
  }

  @Test
  void retainedMessageIsSentAfterTheSuback() {
    ConnectionFixture.Conn pub = f.open();
    assertAccepted(pub.connect("pub", MqttVersion.MQTT_3_1_1));
    pub.send(MqttMessageBuilders.publish().topicName("r/1").qos(MqttQoS.AT_MOST_ONCE).retained(true)
        .payload(Unpooled.copiedBuffer("kept", StandardCharsets.UTF_8)).build());
    ConnectionFixture.Conn sub = f.open();
    assertAccepted(sub.connect("sub", MqttVersion.MQTT_3_1_1));
    sub.send(subscribe(1, "r/#", 0));
    List<MqttMessage> got = sub.received();
    assertThat(got).extracting(m -> m.fixedHeader().messageType())
        .containsExactly(MqttMessageType.SUBACK, MqttMessageType.PUBLISH);
    assertThat(got.get(1).fixedHeader().isRetain()).isTrue();
  }

  @Test
  void pingreqIsAnsweredWithPingresp() {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect("c", MqttVersion.MQTT_3_1_1));
    c.send(new MqttMessage(header(MqttMessageType.PINGREQ, 0)));
    assertThat(c.next().fixedHeader().messageType()).isEqualTo(MqttMessageType.PINGRESP);
  }

  private ConnectionFixture.Conn withWill(String id) {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect(MqttMessageBuilders.connect().clientId(id).protocolVersion(MqttVersion.MQTT_5)
        .cleanSession(true).willFlag(true).willTopic("will/" + id).willMessage("gone".getBytes(StandardCharsets.UTF_8))
        .willQoS(MqttQoS.AT_MOST_ONCE)));
    return c;
  }

  @Test
  void disconnectClosesWithoutTheWill() {
    ConnectionFixture.Conn watcher = subscriber("watcher", "will/#", 0);
    ConnectionFixture.Conn c = withWill("w1");
    c.send(new MqttMessage(header(MqttMessageType.DISCONNECT, 0),
        new MqttReasonCodeAndPropertiesVariableHeader((byte) 0, MqttProperties.NO_PROPERTIES)));
    assertThat(c.isOpen()).isFalse();
    assertThat(watcher.received()).isEmpty();
  }

  @Test
  void disconnectWithWillPublishesTheWill() {
    ConnectionFixture.Conn watcher = subscriber("watcher", "will/#", 0);
    ConnectionFixture.Conn c = withWill("w2");
    c.send(new MqttMessage(header(MqttMessageType.DISCONNECT, 0),
        new MqttReasonCodeAndPropertiesVariableHeader(ReasonCode.DISCONNECT_WITH_WILL, MqttProperties.NO_PROPERTIES)));
    assertThat(c.isOpen()).isFalse();
    MqttPublishMessage will = (MqttPublishMessage) watcher.next();
    assertThat(will.variableHeader().topicName()).isEqualTo("will/w2");
    assertThat(text(will)).isEqualTo("gone");
  }

  @Test
  void connectionLostPublishesTheWill() {
    ConnectionFixture.Conn watcher = subscriber("watcher", "will/#", 0);
    ConnectionFixture.Conn c = withWill("w3");
    c.server.close();
    f.runAll();
    assertThat(((MqttPublishMessage) watcher.next()).variableHeader().topicName()).isEqualTo("will/w3");
  }

  @Test
  void packetsPipelinedBehindConnectAreHandledAfterTheConnack() {
    ConnectionFixture.Conn sub = subscriber("sub", "t/#", 0);
    ConnectionFixture.Conn c = f.open();
    c.send(MqttMessageBuilders.connect().clientId("p").protocolVersion(MqttVersion.MQTT_3_1_1).cleanSession(true)
        .build(), new MqttMessage(header(MqttMessageType.PINGREQ, 0)), publish("t/x", 1, 5, "early"));
    assertThat(c.received()).extracting(m -> m.fixedHeader().messageType())
        .containsExactly(MqttMessageType.CONNACK, MqttMessageType.PINGRESP, MqttMessageType.PUBACK);
    assertThat(text((MqttPublishMessage) sub.next())).isEqualTo("early");
  }

  @Test
  void firstPacketOtherThanConnectCloses() {
    ConnectionFixture.Conn c = f.open();
    c.send(new MqttMessage(header(MqttMessageType.PINGREQ, 0)));
    assertThat(c.received()).isEmpty();
    assertThat(c.isOpen()).isFalse();
  }

  @Test
  void secondConnectIsAProtocolError() {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect("c", MqttVersion.MQTT_5));
    c.send(MqttMessageBuilders.connect().clientId("c").protocolVersion(MqttVersion.MQTT_5).build());
    MqttMessage d = c.next();
    assertThat(d.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode())
        .isEqualTo(ReasonCode.PROTOCOL_ERROR);
  }

  @Test
  void publishToAnInvalidTopicNameIsDisconnectedWithTopicNameInvalid() {
    ConnectionFixture.Conn c = f.open();
    assertAccepted(c.connect("c", MqttVersion.MQTT_5));
    // PUBLISH QoS 0, topic "a/+" (a wildcard in a topic name), property length 0, no payload
    c.hex("30 06 0003 612f2b 00");
    MqttMessage d = c.next();
    assertThat(d.fixedHeader().messageType()).isEqualTo(MqttMessageType.DISCONNECT);
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode())
        .isEqualTo(ReasonCode.TOPIC_NAME_INVALID);
  }

  @Test
  void sessionIsTakenOverByASecondConnection() {
    ConnectionFixture.Conn first = f.open();
    assertAccepted(first.connect("same", MqttVersion.MQTT_5));
    ConnectionFixture.Conn second = f.open();
    assertAccepted(second.connect("same", MqttVersion.MQTT_5));
    MqttMessage d = first.next();
    assertThat(((MqttReasonCodeAndPropertiesVariableHeader) d.variableHeader()).reasonCode())
        .isEqualTo(ReasonCode.SESSION_TAKEN_OVER);
  }
}
