package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static io.openegiz.flux.broker.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5RetainHandling;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Retained messages: set, replace, clear, delivery on subscribe with the retain flag, retain handling,
 * retain-as-published and wildcard filters. Absence is proven with a marker: every subscriber also
 * subscribes to "marker", and a message published there after the SUBACK comes after anything the
 * subscription queued.
 */
class RetainedIT {

  static void retain(Mqtt5BlockingClient pub, String topic, String payload) {
    pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes(payload)).send();
  }

  /** Publishes the marker and returns what the client received before it. */
  static List<Mqtt5Publish> untilMarker(Mqtt5BlockingClient pub, List<Mqtt5Publish> got) {
    pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> got.stream().anyMatch(p -> p.getTopic().toString().equals("marker")));
    int i = 0;
    while (!got.get(i).getTopic().toString().equals("marker")) i++;
    return List.copyOf(got.subList(0, i));
  }

  static Mqtt5BlockingClient subscriber(TestBroker broker, String id, List<Mqtt5Publish>[] sink) {
    Mqtt5BlockingClient c = Clients.v5(broker, id);
    sink[0] = Clients.collect(c);
    c.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
    return c;
  }

  @SuppressWarnings("unchecked")
  static List<Mqtt5Publish>[] holder() {
    return new List[1];
  }

  @Test
  void setReplaceAndClearWithEmptyPayload() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "r/t", "v1");
      retain(pub, "r/t", "v2");

      List<Mqtt5Publish>[] h1 = holder();
      Mqtt5BlockingClient s1 = subscriber(broker, "s1", h1);
      s1.subscribeWith().topicFilter("r/t").qos(MqttQos.AT_LEAST_ONCE).send();
      List<Mqtt5Publish> before = untilMarker(pub, h1[0]);
      assertThat(before).extracting(Clients::text).containsExactly("v2");
      assertThat(before.get(0).isRetain()).isTrue();
      assertThat(before.get(0).getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);

      // Clearing: the empty retained message still reaches current subscribers, then nothing is retained.
      pub.publishWith().topic("r/t").qos(MqttQos.AT_LEAST_ONCE).retain(true).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> h1[0].size() == 3);
      assertThat(h1[0].get(2).getPayloadAsBytes()).isEmpty();

      List<Mqtt5Publish>[] h2 = holder();
      Mqtt5BlockingClient s2 = subscriber(broker, "s2", h2);
      s2.subscribeWith().topicFilter("r/t").qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(untilMarker(pub, h2[0])).isEmpty();

      // Set again after the clear.
      retain(pub, "r/t", "v3");
      List<Mqtt5Publish>[] h3 = holder();
      Mqtt5BlockingClient s3 = subscriber(broker, "s3", h3);
      s3.subscribeWith().topicFilter("r/t").qos(MqttQos.AT_MOST_ONCE).send();
      List<Mqtt5Publish> got3 = untilMarker(pub, h3[0]);
      assertThat(got3).extracting(Clients::text).containsExactly("v3");
      assertThat(got3.get(0).getQos()).isEqualTo(MqttQos.AT_MOST_ONCE); // downgraded to the subscription
    }
  }

  @Test
  void retainedOnSubscribeHasRetainFlagButLiveDeliveryToMqtt3DoesNot() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "status/oven-1", "on");
      Mqtt3BlockingClient sub = Clients.v3(broker, "sub3");
      List<Mqtt3Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("status/+").qos(MqttQos.AT_LEAST_ONCE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      assertThat(text(got.get(0))).isEqualTo("on");
      assertThat(got.get(0).isRetain()).isTrue();
      retain(pub, "status/oven-1", "off"); // live: retain flag cleared for 3.1.1 [MQTT-3.3.1-9]
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
      assertThat(text(got.get(1))).isEqualTo("off");
      assertThat(got.get(1).isRetain()).isFalse();
    }
  }

  @Test
  void retainHandling0SendsOnEverySubscribe() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "rh/t", "kept");
      List<Mqtt5Publish>[] h = holder();
      Mqtt5BlockingClient sub = subscriber(broker, "sub", h);
      sub.subscribeWith().topicFilter("rh/t").retainHandling(Mqtt5RetainHandling.SEND).send();
      sub.subscribeWith().topicFilter("rh/t").retainHandling(Mqtt5RetainHandling.SEND).send();
      List<Mqtt5Publish> got = untilMarker(pub, h[0]);
      assertThat(got).extracting(Clients::text).containsExactly("kept", "kept");
      assertThat(got).allMatch(Mqtt5Publish::isRetain);
    }
  }

  @Test
  void retainHandling1SendsOnlyForANewSubscription() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "rh/t", "kept");
      List<Mqtt5Publish>[] h = holder();
      Mqtt5BlockingClient sub = subscriber(broker, "sub", h);
      sub.subscribeWith().topicFilter("rh/t").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
          .send();
      sub.subscribeWith().topicFilter("rh/t").retainHandling(Mqtt5RetainHandling.SEND_IF_SUBSCRIPTION_DOES_NOT_EXIST)
          .send();
      List<Mqtt5Publish> got = untilMarker(pub, h[0]);
      assertThat(got).extracting(Clients::text).containsExactly("kept");
      assertThat(got.get(0).isRetain()).isTrue();
    }
  }

  @Test
  void retainHandling2NeverSends() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "rh/t", "kept");
      List<Mqtt5Publish>[] h = holder();
      Mqtt5BlockingClient sub = subscriber(broker, "sub", h);
      sub.subscribeWith().topicFilter("rh/#").retainHandling(Mqtt5RetainHandling.DO_NOT_SEND).send();
      assertThat(untilMarker(pub, h[0])).isEmpty();
      // The subscription itself works.
      pub.publishWith().topic("rh/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("live")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> h[0].size() == 2);
      assertThat(text(h[0].get(1))).isEqualTo("live");
    }
  }

  @Test
  void retainAsPublishedKeepsOrClearsTheFlagOnLiveDelivery() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient keep = Clients.v5(broker, "keep");
      Mqtt5BlockingClient clear = Clients.v5(broker, "clear");
      List<Mqtt5Publish> kept = Clients.collect(keep);
      List<Mqtt5Publish> cleared = Clients.collect(clear);
      keep.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(true).send();
      clear.subscribeWith().topicFilter("rap/#").qos(MqttQos.AT_LEAST_ONCE).retainAsPublished(false).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      retain(pub, "rap/t", "retained");
      pub.publishWith().topic("rap/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("plain")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> kept.size() == 2 && cleared.size() == 2);
      assertThat(kept).extracting(Clients::text).containsExactly("retained", "plain");
      assertThat(kept).extracting(Mqtt5Publish::isRetain).containsExactly(true, false);
      assertThat(cleared).extracting(Clients::text).containsExactly("retained", "plain");
      assertThat(cleared).extracting(Mqtt5Publish::isRetain).containsExactly(false, false);
    }
  }

  @Test
  void retainedMessagesMatchWildcardFilters() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      for (String t : List.of("w/a/c", "w/b/c", "w/a/d", "w/a/c/e", "w", "x/a/c", "$w/a/c")) {
        retain(pub, t, t);
      }
      assertThat(retainedFor(broker, pub, "w/+/c")).containsExactlyInAnyOrder("w/a/c", "w/b/c");
      assertThat(retainedFor(broker, pub, "w/#")).containsExactlyInAnyOrder("w", "w/a/c", "w/b/c", "w/a/d", "w/a/c/e");
      assertThat(retainedFor(broker, pub, "+/a/#")).containsExactlyInAnyOrder("w/a/c", "w/a/d", "w/a/c/e", "x/a/c");
      assertThat(retainedFor(broker, pub, "#")).containsExactlyInAnyOrder("w", "w/a/c", "w/b/c", "w/a/d", "w/a/c/e",
          "x/a/c");
      assertThat(retainedFor(broker, pub, "$w/#")).containsExactly("$w/a/c");
      assertThat(retainedFor(broker, pub, "w/a/c")).containsExactly("w/a/c");
      assertThat(retainedFor(broker, pub, "w/+")).isEmpty();
    }
  }

  private static int subscribers;

  /** Topics of the retained messages a new subscription to the filter gets, each with the retain flag. */
  private static List<String> retainedFor(TestBroker broker, Mqtt5BlockingClient pub, String filter) {
    List<Mqtt5Publish>[] h = holder();
    Mqtt5BlockingClient sub = subscriber(broker, "wild-" + (subscribers++), h);
    sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    List<Mqtt5Publish> got = untilMarker(pub, h[0]);
    assertThat(got).allMatch(Mqtt5Publish::isRetain);
    sub.disconnect();
    return got.stream().map(p -> p.getTopic().toString()).toList();
  }

  @Test
  void expiredRetainedMessageIsNotSentToNewSubscribers() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("rx/short").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("short"))
          .messageExpiryInterval(1).send();
      pub.publishWith().topic("rx/long").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("long"))
          .messageExpiryInterval(60).send();
      await().pollDelay(Duration.ofMillis(2100)).atMost(Duration.ofSeconds(3)).until(() -> true);
      List<Mqtt5Publish>[] h = holder();
      Mqtt5BlockingClient sub = subscriber(broker, "sub", h);
      sub.subscribeWith().topicFilter("rx/+").qos(MqttQos.AT_LEAST_ONCE).send();
      List<Mqtt5Publish> got = untilMarker(pub, h[0]);
      assertThat(got).extracting(Clients::text).containsExactly("long");
      assertThat(got.get(0).getMessageExpiryInterval().getAsLong()).isBetween(1L, 58L);
    }
  }
}
