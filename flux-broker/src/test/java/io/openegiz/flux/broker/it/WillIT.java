package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Will messages: when they are published, delayed, suppressed and retained [MQTT-3.1.2-8..-10], [MQTT-3.1.3-9]. */
class WillIT {
  private TestBroker broker;
  private Mqtt5BlockingClient watcher;
  private Mqtt5BlockingClient.Mqtt5Publishes wills;

  @BeforeEach
  void start() {
    broker = TestBroker.start();
    watcher = Mqtt5Client.builder().identifier("watcher").serverHost(broker.host()).serverPort(broker.port())
        .buildBlocking();
    watcher.connect();
    wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
    watcher.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();
  }

  @AfterEach
  void stop() {
    wills.close();
    if (watcher.getState().isConnected()) {
      watcher.disconnect();
    }
    broker.close();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  private Mqtt5BlockingClient clientWithWill(String id, String willTopic) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    c.connectWith().willPublish().topic(willTopic).payload(utf8(id + " died")).qos(MqttQos.AT_LEAST_ONCE)
        .applyWillPublish().send();
    return c;
  }

  /** Publishes a marker to the will topic tree; the next message the watcher gets must be the marker. */
  private void assertNoWillBeforeMarker() throws InterruptedException {
    Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("marker").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    pub.connect();
    pub.publishWith().topic("will/marker").payload(utf8("marker")).qos(MqttQos.AT_LEAST_ONCE).send();
    pub.disconnect();
    Optional<Mqtt5Publish> next = wills.receive(5, TimeUnit.SECONDS);
    assertThat(next).isPresent();
    assertThat(text(next.get())).as("the will must not have been published").isEqualTo("marker");
  }

  @Test
  void willIsPublishedWhenTheSocketIsClosedAbruptly() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5WithWill("abrupt", true, 60, null, "will/abrupt", utf8("abrupt died"), 1, false,
          null));
      assertThat(raw.read().reasonCode()).isZero();
    } // closed without DISCONNECT
    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(will.get().getTopic().toString()).isEqualTo("will/abrupt");
    assertThat(text(will.get())).isEqualTo("abrupt died");
    assertThat(will.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
    assertThat(will.get().isRetain()).isFalse();
  }

  @Test
  void mqtt311WillIsPublishedWhenTheSocketIsClosedAbruptly() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect311WithWill("abrupt3", true, 60, "will/abrupt3", utf8("abrupt3 died"), 1, false));
      assertThat(raw.read().reasonCode()).isZero();
    }
    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(text(will.get())).isEqualTo("abrupt3 died");
  }

  @Test
  void willIsNotPublishedOnNormalDisconnect() throws Exception {
    clientWithWill("polite", "will/polite").disconnect();
    // Paho 3.1.1 too.
    MqttClient paho = new MqttClient(broker.uri(), "polite3", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setWill("will/polite3", utf8("polite3 died"), 1, false);
    paho.connect(o);
    paho.disconnect();
    paho.close();
    assertNoWillBeforeMarker();
  }

  @Test
  void willIsPublishedOnDisconnectWithWillMessage() throws Exception {
    Mqtt5BlockingClient c = clientWithWill("asks", "will/asks");
    c.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send(); // 0x04
    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(text(will.get())).isEqualTo("asks died");
  }

  /** CONNECT properties: 0x11 session expiry interval 60 s. */
  private static byte[] expiry60() {
    return new MqttWire.Bytes().u8(0x11).u32(60).toArray();
  }

  /** Will properties: 0x18 will delay interval. */
  private static byte[] willDelay(int seconds) {
    return new MqttWire.Bytes().u8(0x18).u32(seconds).toArray();
  }

  @Test
  void delayedWillIsNotSentWhenTheClientReturnsInTime() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5WithWill("returns", true, 60, expiry60(), "will/returns", utf8("returns died"), 1,
          false, willDelay(2)));
      assertThat(raw.read().reasonCode()).isZero();
    }
    try (RawClient back = RawClient.open(broker)) {
      back.send(MqttWire.connect5("returns", false, 60, expiry60()));
      MqttPacket ack = back.read();
      assertThat(ack.reasonCode()).isZero();
      assertThat(ack.sessionPresent()).isTrue();
      // Wait past the 2 s delay: nothing may arrive.
      assertThat(wills.receive(3, TimeUnit.SECONDS)).isEmpty();
      back.send(MqttWire.disconnect());
    }
  }

  @Test
  void delayedWillIsSentAtOnceWhenTheClientReturnsWithCleanStart() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5WithWill("restart", true, 60, expiry60(), "will/restart", utf8("restart died"), 1,
          false, willDelay(30)));
      assertThat(raw.read().reasonCode()).isZero();
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> !broker.broker().context().sessions().get("restart").online());
    try (RawClient back = RawClient.open(broker)) {
      // Clean start ends the old session, and a session that ends publishes its pending will [MQTT-3.1.2-8].
      back.send(MqttWire.connect5("restart", true, 60, expiry60()));
      MqttPacket ack = back.read();
      assertThat(ack.reasonCode()).isZero();
      assertThat(ack.sessionPresent()).isFalse();
      Optional<Mqtt5Publish> will = wills.receive(3, TimeUnit.SECONDS);
      assertThat(will).as("the will of the session that clean start ended").isPresent();
      assertThat(text(will.get())).isEqualTo("restart died");
      back.send(MqttWire.disconnect());
    }
  }

  @Test
  void delayedWillIsSentAfterTheDelay() throws Exception {
    long closed;
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5WithWill("late", true, 60, expiry60(), "will/late", utf8("late died"), 1, false,
          willDelay(2)));
      assertThat(raw.read().reasonCode()).isZero();
      closed = System.nanoTime();
    }
    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    Duration after = Duration.ofNanos(System.nanoTime() - closed);
    assertThat(will).isPresent();
    assertThat(text(will.get())).isEqualTo("late died");
    assertThat(after).isBetween(Duration.ofMillis(1_800), Duration.ofMillis(3_500));
  }

  @Test
  void willDelayEndsWithTheSession() throws Exception {
    long closed;
    try (RawClient raw = RawClient.open(broker)) {
      // Session expiry 1 s (0x11), will delay 30 s: the will goes when the session ends [MQTT-3.1.3-9].
      raw.send(MqttWire.connect5WithWill("short-session", true, 60, new MqttWire.Bytes().u8(0x11).u32(1).toArray(),
          "will/short", utf8("short died"), 1, false, willDelay(30)));
      assertThat(raw.read().reasonCode()).isZero();
      closed = System.nanoTime();
    }
    Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
    assertThat(will).isPresent();
    assertThat(text(will.get())).isEqualTo("short died");
    assertThat(Duration.ofNanos(System.nanoTime() - closed)).isBetween(Duration.ofMillis(800),
        Duration.ofMillis(2_500));
  }

  @Test
  void retainedWillIsStoredAsRetained() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5WithWill("keeper", true, 60, null, "will/retained", utf8("keeper died"), 1, true,
          null));
      assertThat(raw.read().reasonCode()).isZero();
    }
    Optional<Mqtt5Publish> live = wills.receive(5, TimeUnit.SECONDS);
    assertThat(live).isPresent();
    assertThat(text(live.get())).isEqualTo("keeper died");

    // A subscriber that arrives later gets it as a retained message.
    Mqtt5BlockingClient late = Mqtt5Client.builder().identifier("latecomer").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    late.connect();
    try (Mqtt5BlockingClient.Mqtt5Publishes publishes = late.publishes(MqttGlobalPublishFilter.ALL)) {
      late.subscribeWith().topicFilter("will/retained").qos(MqttQos.AT_LEAST_ONCE).send();
      Optional<Mqtt5Publish> retained = publishes.receive(5, TimeUnit.SECONDS);
      assertThat(retained).isPresent();
      assertThat(text(retained.get())).isEqualTo("keeper died");
      assertThat(retained.get().isRetain()).isTrue();
    }
    late.disconnect();
  }
}
