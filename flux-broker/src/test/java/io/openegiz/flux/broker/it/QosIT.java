package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static io.openegiz.flux.broker.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** QoS 0/1/2 end to end: delivery QoS, downgrade, ordering, exactly-once. */
class QosIT {

  static Stream<Arguments> qosPairs() {
    List<Arguments> l = new ArrayList<>();
    for (int pub = 0; pub <= 2; pub++) {
      for (int sub = 0; sub <= 2; sub++) {
        l.add(Arguments.of(pub, sub));
      }
    }
    return l.stream();
  }

  @ParameterizedTest(name = "MQTT 5: publish QoS {0}, subscribe QoS {1}")
  @MethodSource("qosPairs")
  void mqtt5DeliversWithTheLowerOfPublishAndSubscriptionQos(int pubQos, int subQos) {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("qos/t").qos(MqttQos.fromCode(subQos)).send();
      pub.publishWith().topic("qos/t").qos(MqttQos.fromCode(pubQos)).payload(bytes("m" + pubQos)).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      assertThat(got.get(0).getQos().getCode()).isEqualTo(Math.min(pubQos, subQos));
      assertThat(text(got.get(0))).isEqualTo("m" + pubQos);
      assertThat(got.get(0).getTopic().toString()).isEqualTo("qos/t");
      pub.disconnect();
      sub.disconnect();
    }
  }

  @ParameterizedTest(name = "MQTT 3.1.1: publish QoS {0}, subscribe QoS {1}")
  @MethodSource("qosPairs")
  void mqtt3DeliversWithTheLowerOfPublishAndSubscriptionQos(int pubQos, int subQos) {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient sub = Clients.v3(broker, "sub3");
      Mqtt3BlockingClient pub = Clients.v3(broker, "pub3");
      List<Mqtt3Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("qos3/#").qos(MqttQos.fromCode(subQos)).send();
      pub.publishWith().topic("qos3/a/b").qos(MqttQos.fromCode(pubQos)).payload(bytes("x")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      assertThat(got.get(0).getQos().getCode()).isEqualTo(Math.min(pubQos, subQos));
      assertThat(got.get(0).getTopic().toString()).isEqualTo("qos3/a/b");
      pub.disconnect();
      sub.disconnect();
    }
  }

  @Test
  void mqtt3PublisherReachesMqtt5SubscriberAndBackAtQos2() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient c3 = Clients.v3(broker, "c3");
      Mqtt5BlockingClient c5 = Clients.v5(broker, "c5");
      List<Mqtt3Publish> got3 = Clients.collect(c3);
      List<Mqtt5Publish> got5 = Clients.collect(c5);
      c3.subscribeWith().topicFilter("to3").qos(MqttQos.EXACTLY_ONCE).send();
      c5.subscribeWith().topicFilter("to5").qos(MqttQos.EXACTLY_ONCE).send();
      c3.publishWith().topic("to5").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from3")).send();
      c5.publishWith().topic("to3").qos(MqttQos.EXACTLY_ONCE).payload(bytes("from5")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got3.size() == 1 && got5.size() == 1);
      assertThat(text(got3.get(0))).isEqualTo("from5");
      assertThat(got3.get(0).getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
      assertThat(text(got5.get(0))).isEqualTo("from3");
      assertThat(got5.get(0).getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
    }
  }

  @Test
  void thousandQos1MessagesFromOnePublisherArriveInOrder() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "ordered-sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("order/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5AsyncClient pub = Clients.v5(broker, "ordered-pub").toAsync();
      List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();
      for (int i = 0; i < 1000; i++) {
        sent.add(
            pub.publishWith().topic("order/" + (i % 7)).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i)))
                .send());
      }
      CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
      await().atMost(Duration.ofSeconds(20)).until(() -> got.size() >= 1000);
      assertThat(got).hasSize(1000);
      assertThat(got.stream().map(p -> Integer.parseInt(text(p))).toList())
          .containsExactlyElementsOf(IntStream.range(0, 1000).boxed().toList());
      assertThat(got).allMatch(p -> p.getQos() == MqttQos.AT_LEAST_ONCE);
    }
  }

  /** A QoS 2 PUBLISH resent with DUP before PUBREL is one message [MQTT-4.3.3-...], for 5.0 and 3.1.1. */
  @ParameterizedTest(name = "MQTT 5: {0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void qos2ResentWithDupBeforePubrelIsDeliveredOnce(boolean v5) throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "eo-sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("eo/#").qos(MqttQos.EXACTLY_ONCE).send();
      try (WireClient pub = WireClient.connect(broker, "eo-pub", v5, null)) {
        pub.publish("eo/x", 2, false, false, 7, null, bytes("once"));
        assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(7);
        pub.publish("eo/x", 2, false, true, 7, null, bytes("once"));
        assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(7);
        pub.publish("eo/x", 2, false, true, 7, null, bytes("once"));
        assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(7);
        pub.pubrel(7);
        MqttPacket comp = pub.expect(MqttWire.PUBCOMP);
        assertThat(comp.ackId()).isEqualTo(7);
        assertThat(comp.reasonCode()).isZero();
        // The same packet id after PUBCOMP is a new message; then a marker closes the sequence.
        pub.publish("eo/x", 2, false, false, 7, null, bytes("twice"));
        pub.expect(MqttWire.PUBREC);
        pub.pubrel(7);
        pub.expect(MqttWire.PUBCOMP);
        pub.publish("eo/marker", 1, false, false, 8, null, bytes("end"));
        pub.expect(MqttWire.PUBACK);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.stream().anyMatch(p -> text(p).equals("end")));
      assertThat(got.stream().map(Clients::text).toList()).containsExactly("once", "twice", "end");
      assertThat(got.get(0).getQos()).isEqualTo(MqttQos.EXACTLY_ONCE);
    }
  }

  /** The broker-to-client QoS 2 flow seen on the wire: PUBLISH, PUBREC, PUBREL, PUBCOMP, no resend. */
  @Test
  void brokerCompletesQos2FlowTowardsARawSubscriber() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient sub = WireClient.connect(broker, "raw-sub", true, null)) {
      sub.subscribe(1, "q2/#", 2, null);
      Mqtt5BlockingClient pub = Clients.v5(broker, "q2-pub");
      pub.publishWith().topic("q2/a").qos(MqttQos.EXACTLY_ONCE).payload(bytes("two")).send();
      MqttPacket p = sub.expect(MqttWire.PUBLISH);
      assertThat(p.qos()).isEqualTo(2);
      assertThat(p.dup()).isFalse();
      assertThat(p.topic()).isEqualTo("q2/a");
      assertThat(p.payloadString()).isEqualTo("two");
      int id = p.publishId();
      assertThat(id).isPositive();
      sub.pubrec(id);
      MqttPacket rel = sub.expect(MqttWire.PUBREL);
      assertThat(rel.ackId()).isEqualTo(id);
      assertThat(rel.flags()).isEqualTo(2); // [MQTT-3.6.1-1]
      sub.pubcomp(id);
      pub.publishWith().topic("q2/b").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("next")).send();
      MqttPacket next = sub.expect(MqttWire.PUBLISH);
      assertThat(next.topic()).isEqualTo("q2/b");
      assertThat(next.qos()).isEqualTo(1);
    }
  }
}
