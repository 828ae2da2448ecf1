package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Topic filters with + and #, $-topics, and overlapping subscriptions. Each case publishes a set of
 * topics and then a marker from the same publisher, so whatever the subscriber gets before the marker
 * is everything it will get from that set.
 */
class WildcardIT {

  static final List<String> TOPICS = List.of("sport", "sport/", "sport/tennis", "sport/tennis/player1",
      "sport/tennis/player1/ranking", "sports", "sport/tennis/player2", "/finance", "a/b", "a", "/",
      "x/bar", "$foo/bar", "$foo", "$internal/x", "$internal/broker/clients");

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("sport/tennis/+", List.of("sport/tennis/player1", "sport/tennis/player2")),
        Arguments.of("sport/#", List.of("sport", "sport/", "sport/tennis", "sport/tennis/player1",
            "sport/tennis/player1/ranking", "sport/tennis/player2")),
        Arguments.of("sport/+", List.of("sport/", "sport/tennis")),
        Arguments.of("+", List.of("sport", "sports", "a")),
        Arguments.of("+/+", List.of("sport/", "sport/tennis", "/finance", "a/b", "/", "x/bar")),
        Arguments.of("/+", List.of("/finance", "/")),
        Arguments.of("#", List.of("sport", "sport/", "sport/tennis", "sport/tennis/player1",
            "sport/tennis/player1/ranking", "sports", "sport/tennis/player2", "/finance", "a/b", "a", "/", "x/bar")),
        Arguments.of("+/bar", List.of("x/bar")),
        Arguments.of("+/tennis/#", List.of("sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking",
            "sport/tennis/player2")),
        Arguments.of("$foo/#", List.of("$foo/bar", "$foo")),
        Arguments.of("$foo/+", List.of("$foo/bar")),
        Arguments.of("sport/tennis/player1", List.of("sport/tennis/player1")));
  }

  @ParameterizedTest(name = "MQTT 5 filter {0}")
  @MethodSource("cases")
  void mqtt5FilterMatchesExactlyTheseTopics(String filter, List<String> expected) {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("zz/marker").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      for (String t : TOPICS) {
        pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(t)).send();
      }
      pub.publishWith().topic("zz/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
      List<String> topics = topicsBeforeMarker(() -> got.stream().map(p -> p.getTopic().toString()).toList());
      assertThat(topics).containsExactlyElementsOf(expected); // once each, in publish order
    }
  }

  @ParameterizedTest(name = "MQTT 3.1.1 filter {0}")
  @MethodSource("cases")
  void mqtt3FilterMatchesExactlyTheseTopics(String filter, List<String> expected) {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient sub = Clients.v3(broker, "sub");
      List<Mqtt3Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("zz/marker").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3BlockingClient pub = Clients.v3(broker, "pub");
      for (String t : TOPICS) {
        pub.publishWith().topic(t).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(t)).send();
      }
      pub.publishWith().topic("zz/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
      List<String> topics = topicsBeforeMarker(() -> got.stream().map(p -> p.getTopic().toString()).toList());
      assertThat(topics).containsExactlyElementsOf(expected);
    }
  }

  /** Overlapping subscriptions of one 5.0 client: one PUBLISH, the highest QoS, every subscription identifier. */
  @Test
  void overlappingSubscriptionsDeliverOnceWithAllSubscriptionIdentifiers() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient sub = WireClient.connect(broker, "overlap", true, null)) {
      sub.subscribe(1, "plant/+/temp", 0, new MqttWire.Props().varInt(MqttWire.SUBSCRIPTION_ID, 11));
      sub.subscribe(2, "plant/#", 1, new MqttWire.Props().varInt(MqttWire.SUBSCRIPTION_ID, 22));
      sub.subscribe(3, "plant/a/temp", 0, new MqttWire.Props().varInt(MqttWire.SUBSCRIPTION_ID, 333));
      sub.subscribe(4, "+/a/+", 0, null); // no identifier
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("plant/a/temp").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("21.5")).send();
      pub.publishWith().topic("plant/b/level").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("3")).send();

      MqttPacket first = sub.expect(MqttWire.PUBLISH);
      assertThat(first.topic()).isEqualTo("plant/a/temp");
      assertThat(first.qos()).isEqualTo(1); // the highest granted QoS among the matches [MQTT-3.3.4-2]
      assertThat(first.property(MqttWire.SUBSCRIPTION_ID)).containsExactlyInAnyOrder(11, 22, 333);
      sub.puback(first.publishId());
      MqttPacket second = sub.expect(MqttWire.PUBLISH); // not a second copy of the first
      assertThat(second.topic()).isEqualTo("plant/b/level");
      assertThat(second.property(MqttWire.SUBSCRIPTION_ID)).containsExactly(22);
      sub.puback(second.publishId());
    }
  }

  @Test
  void unsubscribedFilterNoLongerDelivers() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("u/+").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("u/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("zz/marker").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.unsubscribeWith().topicFilter("u/+").send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("u/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("1")).send();
      sub.unsubscribeWith().topicFilter("u/#").send();
      pub.publishWith().topic("u/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("2")).send();
      pub.publishWith().topic("zz/marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> got.stream().anyMatch(p -> p.getTopic().toString().equals("zz/marker")));
      assertThat(Clients.texts(got)).containsExactly("1", "end");
    }
  }

  /** Waits for the marker, then returns the topics received before it, in arrival order. */
  private static List<String> topicsBeforeMarker(java.util.function.Supplier<List<String>> received) {
    await().atMost(Duration.ofSeconds(5)).until(() -> received.get().contains("zz/marker"));
    List<String> all = received.get();
    return new ArrayList<>(all.subList(0, all.indexOf("zz/marker")));
  }
}
