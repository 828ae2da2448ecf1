package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static io.openegiz.flux.broker.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PayloadFormatIndicator;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.pubrec.Mqtt5PubRecReasonCode;
import io.openegiz.flux.broker.metrics.DropReason;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MQTT 5 publish properties, topic aliases, subscription identifiers, no local and PUBACK reason codes. */
class Mqtt5PropertiesIT {

  private static final byte[] INVALID_UTF8 = {(byte) 0xC3, (byte) 0x28, (byte) 0xFF};

  @Test
  void applicationPropertiesAreForwardedUnchanged() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("props/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("props/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("{\"t\":1}"))
          .userProperties().add("site", "plant-a").add("line", "3").add("site", "plant-b").add("empty", "")
          .applyUserProperties()
          .contentType("application/json")
          .responseTopic("reply/to/me")
          .correlationData(new byte[] {0, 1, 2, (byte) 0xFF})
          .payloadFormatIndicator(Mqtt5PayloadFormatIndicator.UTF_8)
          .messageExpiryInterval(60)
          .send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      Mqtt5Publish p = got.get(0);
      assertThat(p.getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue())
          .containsExactly("site=plant-a", "line=3", "site=plant-b", "empty=");
      assertThat(p.getContentType()).hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("application/json"));
      assertThat(p.getResponseTopic()).hasValueSatisfying(v -> assertThat(v.toString()).isEqualTo("reply/to/me"));
      assertThat(p.getCorrelationData()).hasValueSatisfying(
          b -> assertThat(toArray(b)).containsExactly(0, 1, 2, (byte) 0xFF));
      assertThat(p.getPayloadFormatIndicator()).contains(Mqtt5PayloadFormatIndicator.UTF_8);
      assertThat(p.getMessageExpiryInterval()).isPresent();
      assertThat(p.getMessageExpiryInterval().getAsLong()).isBetween(1L, 60L);
    }
  }

  @Test
  void messageWithoutPropertiesArrivesWithoutProperties() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("plain").qos(MqttQos.AT_LEAST_ONCE).send();
      Clients.v5(broker, "pub").publishWith().topic("plain").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      Mqtt5Publish p = got.get(0);
      assertThat(p.getUserProperties().asList()).isEmpty();
      assertThat(p.getContentType()).isEmpty();
      assertThat(p.getResponseTopic()).isEmpty();
      assertThat(p.getCorrelationData()).isEmpty();
      assertThat(p.getPayloadFormatIndicator()).isEmpty();
      assertThat(p.getMessageExpiryInterval()).isEmpty();
    }
  }

  private static byte[] toArray(ByteBuffer b) {
    byte[] a = new byte[b.remaining()];
    b.duplicate().get(a);
    return a;
  }

  @Test
  void invalidUtf8WithPayloadFormatIndicatorIsRefusedAndNotDelivered() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("pfi/#").qos(MqttQos.EXACTLY_ONCE).send();
      try (WireClient pub = WireClient.connect(broker, "raw-pub", true, null)) {
        MqttWire.Props utf8 = new MqttWire.Props().u8(MqttWire.PFI, 1);
        pub.publish("pfi/bad", 1, false, false, 1, utf8, INVALID_UTF8);
        MqttPacket ack = pub.expect(MqttWire.PUBACK);
        assertThat(ack.ackId()).isEqualTo(1);
        assertThat(ack.reasonCode()).isEqualTo(0x99);
        pub.publish("pfi/bad", 2, false, false, 2, new MqttWire.Props().u8(MqttWire.PFI, 1), INVALID_UTF8);
        MqttPacket rec = pub.expect(MqttWire.PUBREC);
        assertThat(rec.ackId()).isEqualTo(2);
        assertThat(rec.reasonCode()).isEqualTo(0x99);
        // The same bytes without the indicator are fine, and the connection is still up.
        pub.publish("pfi/raw", 1, false, false, 3, null, INVALID_UTF8);
        assertThat(pub.expect(MqttWire.PUBACK).reasonCode()).isZero();
        pub.publish("pfi/good", 1, false, false, 4, new MqttWire.Props().u8(MqttWire.PFI, 1), bytes("grüße"));
        assertThat(pub.expect(MqttWire.PUBACK).reasonCode()).isZero();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 2);
      assertThat(got).extracting(p -> p.getTopic().toString()).containsExactly("pfi/raw", "pfi/good");
      assertThat(text(got.get(1))).isEqualTo("grüße");
    }
  }

  @Test
  void expiredMessageIsNotDeliveredToAReturningSessionButAnUnexpiredOneIs() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.builder5(broker, "expiry-sub").buildBlocking();
      sub.connectWith().cleanStart(true).sessionExpiryInterval(120).send();
      sub.subscribeWith().topicFilter("exp/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().metrics().clientsConnected() == 0);

      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("exp/short").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("short")).messageExpiryInterval(1)
          .send();
      pub.publishWith().topic("exp/long").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("long")).messageExpiryInterval(60)
          .send();
      long published = System.nanoTime();
      // Let the short one expire while the subscriber is away.
      await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(3)).until(() -> true);

      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.connectWith().cleanStart(false).sessionExpiryInterval(120).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
      Mqtt5Publish first = got.get(0);
      assertThat(text(first)).isEqualTo("long"); // "short" was queued before it and would have come first
      long elapsed = (System.nanoTime() - published) / 1_000_000_000L;
      assertThat(first.getMessageExpiryInterval()).isPresent();
      assertThat(first.getMessageExpiryInterval().getAsLong()).isBetween(1L, 60L - elapsed);
      assertThat(broker.broker().metrics().dropped(DropReason.EXPIRED)).isEqualTo(1);
      sub.disconnect();
    }
  }

  @Test
  void inboundTopicAliasIsResolved() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("alias/#").qos(MqttQos.AT_LEAST_ONCE).send();
      try (WireClient pub = WireClient.connect(broker, "raw-pub", true, null)) {
        assertThat(pub.connack().property(MqttWire.TOPIC_ALIAS_MAXIMUM)).isNotEmpty();
        pub.publish("alias/one", 1, false, false, 1, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("1"));
        pub.expect(MqttWire.PUBACK);
        pub.publish("", 1, false, false, 2, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("2"));
        pub.expect(MqttWire.PUBACK);
        pub.publish("alias/two", 1, false, false, 3, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("3"));
        pub.expect(MqttWire.PUBACK); // alias 1 now means alias/two
        pub.publish("", 0, false, false, 0, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("4"));
        pub.publish("", 1, false, false, 5, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("5"));
        pub.expect(MqttWire.PUBACK);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 5);
      assertThat(got).extracting(p -> p.getTopic() + ":" + text(p))
          .containsExactly("alias/one:1", "alias/one:2", "alias/two:3", "alias/two:4", "alias/two:5");
      assertThat(got).allMatch(p -> p.getUserProperties().asList().isEmpty());
    }
  }

  @Test
  void unknownOrOutOfRangeTopicAliasEndsTheConnection() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      int max;
      try (WireClient pub = WireClient.connect(broker, "raw-a", true, null)) {
        max = ((Number) pub.connack().property(MqttWire.TOPIC_ALIAS_MAXIMUM).get(0)).intValue();
        pub.publish("a", 1, false, false, 1, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, max + 1), bytes("x"));
        MqttPacket d = pub.expect(MqttWire.DISCONNECT);
        assertThat(d.reasonCode()).isEqualTo(0x94); // Topic Alias invalid
        assertThat(pub.expect(MqttWire.CLOSED)).isNotNull();
      }
      try (WireClient pub = WireClient.connect(broker, "raw-b", true, null)) {
        pub.publish("", 1, false, false, 1, new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS, 1), bytes("x"));
        MqttPacket d = pub.expect(MqttWire.DISCONNECT);
        assertThat(d.reasonCode()).isEqualTo(0x82); // Protocol Error: alias never set
        assertThat(pub.expect(MqttWire.CLOSED)).isNotNull();
      }
    }
  }

  @Test
  void hivemqSubscriberWithTopicAliasesSeesTheRightTopics() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.builder5(broker, "alias-sub").buildBlocking();
      sub.connectWith().restrictions().topicAliasMaximum(10).applyRestrictions().send();
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("oa/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      List<String> sent = List.of("oa/a", "oa/b", "oa/a", "oa/a", "oa/c", "oa/b", "oa/a", "oa/c");
      for (int i = 0; i < sent.size(); i++) {
        pub.publishWith().topic(sent.get(i)).qos(i % 2 == 0 ? MqttQos.AT_MOST_ONCE : MqttQos.AT_LEAST_ONCE)
            .payload(bytes(Integer.toString(i))).send();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == sent.size());
      for (int i = 0; i < sent.size(); i++) {
        assertThat(got.get(i).getTopic().toString()).isEqualTo(sent.get(i));
        assertThat(text(got.get(i))).isEqualTo(Integer.toString(i));
      }
    }
  }

  @Test
  void outboundTopicAliasesOnTheWireRespectTheClientMaximum() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient sub = WireClient.connect(broker, "raw-sub", true,
            new MqttWire.Props().u16(MqttWire.TOPIC_ALIAS_MAXIMUM, 2));
        WireClient noAlias = WireClient.connect(broker, "raw-noalias", true, null)) {
      sub.subscribe(1, "oa/#", 0, null);
      noAlias.subscribe(1, "oa/#", 0, null);
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      List<String> sent = List.of("oa/1", "oa/2", "oa/1", "oa/3", "oa/3", "oa/2");
      for (String t : sent) {
        pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(t)).send();
      }
      java.util.Map<Integer, String> aliases = new java.util.HashMap<>();
      for (String t : sent) {
        MqttPacket p = sub.expect(MqttWire.PUBLISH);
        assertThat(p.payloadString()).isEqualTo(t);
        List<Object> alias = p.property(MqttWire.TOPIC_ALIAS);
        String topic = p.topic();
        if (!alias.isEmpty()) {
          int a = (Integer) alias.get(0);
          assertThat(a).isBetween(1, 2); // never above the client's topic alias maximum [MQTT-3.3.2-9]
          if (topic.isEmpty()) {
            assertThat(aliases).containsKey(a); // only aliases it has set before [MQTT-3.3.2-...]
            topic = aliases.get(a);
          } else {
            aliases.put(a, topic);
          }
        }
        assertThat(topic).isEqualTo(t);
        MqttPacket q = noAlias.expect(MqttWire.PUBLISH);
        assertThat(q.topic()).isEqualTo(t);
        assertThat(q.property(MqttWire.TOPIC_ALIAS)).isEmpty(); // [MQTT-3.3.2-8]
      }
      assertThat(aliases).isNotEmpty(); // the broker did use aliases towards the client that allowed them
    }
  }

  @Test
  void subscriptionIdentifiersAreSentWithLiveAndRetainedMessages() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient sub = WireClient.connect(broker, "raw-sub", true, null)) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("sid/retained").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("r")).send();
      sub.subscribe(1, "sid/#", 0, new MqttWire.Props().varInt(MqttWire.SUBSCRIPTION_ID, 268_435_455));
      MqttPacket retained = sub.expect(MqttWire.PUBLISH);
      assertThat(retained.retain()).isTrue();
      assertThat(retained.property(MqttWire.SUBSCRIPTION_ID)).containsExactly(268_435_455);
      pub.publishWith().topic("sid/live").qos(MqttQos.AT_MOST_ONCE).payload(bytes("l")).send();
      MqttPacket live = sub.expect(MqttWire.PUBLISH);
      assertThat(live.topic()).isEqualTo("sid/live");
      assertThat(live.property(MqttWire.SUBSCRIPTION_ID)).containsExactly(268_435_455);
      // Subscribing again replaces the subscription and its identifier; a SUBSCRIBE without one clears it.
      sub.subscribe(2, "sid/#", 0 | (2 << 4), new MqttWire.Props().varInt(MqttWire.SUBSCRIPTION_ID, 7));
      pub.publishWith().topic("sid/live").qos(MqttQos.AT_MOST_ONCE).payload(bytes("l2")).send();
      assertThat(sub.expect(MqttWire.PUBLISH).property(MqttWire.SUBSCRIPTION_ID)).containsExactly(7);
      sub.subscribe(3, "sid/#", 2 << 4, null);
      pub.publishWith().topic("sid/live").qos(MqttQos.AT_MOST_ONCE).payload(bytes("l3")).send();
      MqttPacket none = sub.expect(MqttWire.PUBLISH);
      assertThat(none.payloadString()).isEqualTo("l3");
      assertThat(none.property(MqttWire.SUBSCRIPTION_ID)).isEmpty();
    }
  }

  @Test
  void noLocalSubscriberDoesNotGetItsOwnMessages() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient self = Clients.v5(broker, "self");
      Mqtt5BlockingClient other = Clients.v5(broker, "other");
      List<Mqtt5Publish> selfGot = Clients.collect(self);
      List<Mqtt5Publish> otherGot = Clients.collect(other);
      self.subscribeWith().topicFilter("chat/#").qos(MqttQos.AT_LEAST_ONCE).noLocal(true).send();
      other.subscribeWith().topicFilter("chat/#").qos(MqttQos.AT_LEAST_ONCE).send();
      self.publishWith().topic("chat/room").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("from-self")).send();
      other.publishWith().topic("chat/room").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("from-other")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> otherGot.size() == 2 && !selfGot.isEmpty());
      // self's own message was routed before "from-other" was published, so it would have come first.
      assertThat(selfGot).extracting(Clients::text).containsExactly("from-other");
      assertThat(otherGot).extracting(Clients::text).containsExactly("from-self", "from-other");
    }
  }

  @Test
  void pubackSaysNoMatchingSubscribersWhenNobodyListens() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      Mqtt5PublishResult none = pub.publishWith().topic("nobody/home").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x"))
          .send();
      assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) none).getPubAck().getReasonCode())
          .isEqualTo(Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS);
      Mqtt5PublishResult none2 = pub.publishWith().topic("nobody/home").qos(MqttQos.EXACTLY_ONCE).payload(bytes("x"))
          .send();
      assertThat(((Mqtt5PublishResult.Mqtt5Qos2Result) none2).getPubRec().getReasonCode())
          .isEqualTo(Mqtt5PubRecReasonCode.NO_MATCHING_SUBSCRIBERS);

      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      sub.subscribeWith().topicFilter("nobody/+").send();
      Mqtt5PublishResult some = pub.publishWith().topic("nobody/home").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("x"))
          .send();
      assertThat(((Mqtt5PublishResult.Mqtt5Qos1Result) some).getPubAck().getReasonCode())
          .isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
    }
  }
}
