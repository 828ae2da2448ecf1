package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.session.SessionRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/** Session lifecycle: clean start, resumption, subscriptions and queued messages across reconnects, expiry. */
class SessionIT {

  private static Mqtt5BlockingClient mqtt5(TestBroker broker, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
  }

  private static Mqtt3BlockingClient mqtt3(TestBroker broker, String id) {
    return Mqtt3Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  private static SessionRegistry sessions(TestBroker broker) {
    return broker.broker().context().sessions();
  }

  @Test
  void mqtt5SessionIsPresentOnResumeAndDiscardedByCleanStart() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "resume5");
      assertThat(c.connectWith().cleanStart(true).sessionExpiryInterval(60).send().isSessionPresent()).isFalse();
      c.subscribeWith().topicFilter("s/resume5").qos(MqttQos.AT_LEAST_ONCE).send();
      c.disconnect();

      assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(60).send().isSessionPresent()).isTrue();
      assertThat(sessions(broker).get("resume5").subscriptions()).hasSize(1);
      c.disconnect();

      // Clean start throws the stored session (and its subscription) away.
      assertThat(c.connectWith().cleanStart(true).sessionExpiryInterval(60).send().isSessionPresent()).isFalse();
      assertThat(sessions(broker).get("resume5").subscriptions()).isEmpty();
      c.disconnect();
    }
  }

  @Test
  void mqtt5SessionWithZeroExpiryIsGoneAtDisconnect() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "zero5");
      c.connectWith().cleanStart(false).sessionExpiryInterval(0).send();
      c.disconnect();
      await().atMost(Duration.ofSeconds(2)).until(() -> sessions(broker).get("zero5") == null);
      assertThat(c.connectWith().cleanStart(false).send().isSessionPresent()).isFalse();
      c.disconnect();
    }
  }

  @Test
  void mqtt311SessionIsPresentWithoutCleanSession() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient c = mqtt3(broker, "resume3");
      assertThat(c.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
      c.disconnect();
      assertThat(c.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
      c.disconnect();
      assertThat(c.connectWith().cleanSession(true).send().isSessionPresent()).isFalse();
      c.disconnect();
      // A clean 3.1.1 session does not outlive its connection.
      await().atMost(Duration.ofSeconds(2)).until(() -> sessions(broker).get("resume3") == null);
    }
  }

  @Test
  void subscriptionsSurviveAReconnect() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient sub = mqtt3(broker, "sub3");
      sub.connectWith().cleanSession(false).send();
      sub.subscribeWith().topicFilter("survive/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();

      try (Mqtt3BlockingClient.Mqtt3Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(sub.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
        // No new SUBSCRIBE: the old one must still route.
        Mqtt5BlockingClient pub = mqtt5(broker, "pub");
        pub.connect();
        pub.publishWith().topic("survive/a").payload(utf8("hello")).qos(MqttQos.AT_LEAST_ONCE).send();
        Optional<Mqtt3Publish> got = publishes.receive(5, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(got.get().getTopic().toString()).isEqualTo("survive/a");
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("hello");
        pub.disconnect();
      }
      sub.disconnect();
    }
  }

  @Test
  void qos1And2AreQueuedOfflineAndDeliveredInOrderButQos0IsNot() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = mqtt5(broker, "offline-sub");
      sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
      sub.subscribeWith().topicFilter("queue/#").qos(MqttQos.EXACTLY_ONCE).send();
      sub.disconnect();
      await().atMost(Duration.ofSeconds(2)).until(() -> !sessions(broker).get("offline-sub").online());

      Mqtt5BlockingClient pub = mqtt5(broker, "offline-pub");
      pub.connect();
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        MqttQos qos = i % 2 == 0 ? MqttQos.EXACTLY_ONCE : MqttQos.AT_LEAST_ONCE;
        pub.publishWith().topic("queue/t").payload(utf8("m" + i)).qos(qos).send();
        expected.add("m" + i);
        pub.publishWith().topic("queue/t").payload(utf8("zero" + i)).qos(MqttQos.AT_MOST_ONCE).send();
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> sessions(broker).get("offline-sub").queuedMessages() == 10);

      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent())
            .isTrue();
        // A marker published after the reconnect: everything before it arrives first, in order.
        pub.publishWith().topic("queue/t").payload(utf8("end")).qos(MqttQos.AT_LEAST_ONCE).send();
        expected.add("end");
        List<String> got = new ArrayList<>();
        List<MqttQos> qos = new ArrayList<>();
        while (got.size() < expected.size()) {
          Optional<Mqtt5Publish> p = publishes.receive(5, TimeUnit.SECONDS);
          assertThat(p).as("message %d of %s; got so far %s", got.size() + 1, expected, got).isPresent();
          got.add(text(p.get()));
          qos.add(p.get().getQos());
        }
        assertThat(got).containsExactlyElementsOf(expected); // no QoS 0 message slipped in
        assertThat(qos.subList(0, 10)).containsExactly(MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE,
            MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE, MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE,
            MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE, MqttQos.AT_LEAST_ONCE, MqttQos.EXACTLY_ONCE);
      }
      sub.disconnect();
      pub.disconnect();
    }
  }

  @Test
  void mqtt5SessionExpiresAfterItsInterval() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "expire5");
      c.connectWith().cleanStart(true).sessionExpiryInterval(1).send();
      c.subscribeWith().topicFilter("expire/#").qos(MqttQos.AT_LEAST_ONCE).send();
      long gone = System.nanoTime();
      c.disconnect();
      // Still there right after the disconnect ...
      assertThat(sessions(broker).get("expire5")).isNotNull();
      // ... and gone about a second later.
      await().atMost(Duration.ofSeconds(3)).until(() -> sessions(broker).get("expire5") == null);
      assertThat(Duration.ofNanos(System.nanoTime() - gone)).isGreaterThan(Duration.ofMillis(800));
      assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(1).send().isSessionPresent()).isFalse();
      c.disconnect();
    }
  }

  @Test
  void sessionSurvivesWithinItsExpiryInterval() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "within5");
      c.connectWith().cleanStart(true).sessionExpiryInterval(2).send();
      c.disconnect();
      await().atMost(Duration.ofSeconds(1)).until(() -> !sessions(broker).get("within5").online());
      assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(2).send().isSessionPresent()).isTrue();
      c.disconnect();
    }
  }

  @Test
  void sessionExpiryIsCappedAt24Hours() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "forever");
      Mqtt5ConnAck ack = c.connectWith().noSessionExpiry().send(); // 0xFFFFFFFF
      assertThat(ack.getSessionExpiryInterval()).hasValue(86_400);
      assertThat(sessions(broker).get("forever").expiryIntervalSeconds()).isEqualTo(86_400);
      c.disconnect();

      // Below the cap the broker does not send the property (the client's value stands).
      Mqtt5ConnAck small = c.connectWith().sessionExpiryInterval(3600).send();
      assertThat(small.getSessionExpiryInterval()).isEmpty();
      c.disconnect();
    }
  }

  @Test
  void persistentClientExpirationIsConfigurable() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.persistentClientExpiration(Duration.ofSeconds(1)))) {
      // MQTT 5: asking 60 s is lowered to the configured 1 s, and the client is told.
      Mqtt5BlockingClient c5 = mqtt5(broker, "capped5");
      assertThat(c5.connectWith().sessionExpiryInterval(60).send().getSessionExpiryInterval()).hasValue(1);
      c5.disconnect();

      // MQTT 3.1.1 has no expiry interval: a persistent session lives for the configured time.
      Mqtt3BlockingClient c3 = mqtt3(broker, "capped3");
      c3.connectWith().cleanSession(false).send();
      c3.disconnect();
      assertThat(sessions(broker).get("capped3")).isNotNull();
      await().atMost(Duration.ofSeconds(3)).until(() -> sessions(broker).get("capped3") == null
          && sessions(broker).get("capped5") == null);
      assertThat(c3.connectWith().cleanSession(false).send().isSessionPresent()).isFalse();
      c3.disconnect();
    }
  }

  @Test
  void pahoMqtt5SeesSessionPresent() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      MqttClient paho = new MqttClient(broker.uri(), "paho-session", new MemoryPersistence());
      MqttConnectionOptions o = new MqttConnectionOptions();
      o.setCleanStart(false);
      o.setSessionExpiryInterval(60L);
      IMqttToken first = paho.connectWithResult(o);
      assertThat(first.getSessionPresent()).isFalse();
      paho.disconnect();
      IMqttToken second = paho.connectWithResult(o);
      assertThat(second.getSessionPresent()).isTrue();
      paho.disconnect();
      paho.close();
    }
  }

  @Test
  void disconnectCanShortenTheSessionExpiry() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient c = mqtt5(broker, "shorten");
      c.connectWith().sessionExpiryInterval(600).send();
      c.disconnectWith().sessionExpiryInterval(0).send(); // DISCONNECT property 0x11 = 0
      await().atMost(Duration.ofSeconds(2)).until(() -> sessions(broker).get("shorten") == null);
      assertThat(c.connectWith().cleanStart(false).sessionExpiryInterval(600).send().isSessionPresent()).isFalse();
      c.disconnect();
    }
  }

  @Test
  void disconnectMayNotSetAnExpiryWhenConnectSaidZero() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5("zero-then-more", true, 60, null)); // no expiry property: 0
      assertThat(raw.read().reasonCode()).isZero();
      raw.send(MqttWire.packet(0xE0, new MqttWire.Bytes()
          .u8(0x00) // reason: normal disconnection
          .props(new MqttWire.Bytes().u8(0x11).u32(60).toArray()) // session expiry interval 60
          .toArray()));
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(2));
      assertThat(got).extracting(MqttPacket::reasonCode).containsExactly(0x82); // [MQTT-3.14.2-2]
      await().atMost(Duration.ofSeconds(2)).until(() -> sessions(broker).get("zero-then-more") == null);
    }
  }
}
