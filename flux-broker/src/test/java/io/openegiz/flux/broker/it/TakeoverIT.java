package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** A second connection with the same client id takes the session over [MQTT-3.1.4-3]. */
class TakeoverIT {

  @Test
  void mqtt5FirstConnectionGetsDisconnect0x8EAndTheSessionContinues() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      AtomicReference<Throwable> cause = new AtomicReference<>();
      Mqtt5BlockingClient first = Mqtt5Client.builder().identifier("twin").serverHost(broker.host())
          .serverPort(broker.port()).addDisconnectedListener(ctx -> cause.set(ctx.getCause())).buildBlocking();
      first.connectWith().sessionExpiryInterval(300).send();
      first.subscribeWith().topicFilter("takeover/#").qos(MqttQos.AT_LEAST_ONCE).send();

      Mqtt5BlockingClient second = Mqtt5Client.builder().identifier("twin").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = second.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(second.connectWith().cleanStart(false).sessionExpiryInterval(300).send().isSessionPresent())
            .isTrue();

        await().atMost(Duration.ofSeconds(3)).until(() -> cause.get() != null);
        assertThat(cause.get()).isInstanceOf(Mqtt5DisconnectException.class);
        Mqtt5DisconnectException d = (Mqtt5DisconnectException) cause.get();
        assertThat(d.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5DisconnectReasonCode.SESSION_TAKEN_OVER);
        assertThat(d.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x8E);
        assertThat(first.getState().isConnected()).isFalse();

        // The subscription made on the first connection now delivers to the second.
        Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("takeover-pub").serverHost(broker.host())
            .serverPort(broker.port()).buildBlocking();
        pub.connect();
        pub.publishWith().topic("takeover/x").payload("after".getBytes(StandardCharsets.UTF_8))
            .qos(MqttQos.AT_LEAST_ONCE).send();
        Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("after");
        pub.disconnect();
      }
      assertThat(broker.broker().context().sessions().get("twin").online()).isTrue();
      second.disconnect();
    }
  }

  @Test
  void mqtt5TakeoverOnTheWireIsDisconnect0x8EThenClose() throws Exception {
    try (TestBroker broker = TestBroker.start();
        RawClient first = RawClient.open(broker);
        RawClient second = RawClient.open(broker)) {
      first.send(MqttWire.connect5("wire-twin", true, 60, null));
      assertThat(first.read().reasonCode()).isZero();
      second.send(MqttWire.connect5("wire-twin", false, 60, null));
      assertThat(second.read().reasonCode()).isZero();
      List<MqttPacket> got = first.awaitClose(Duration.ofSeconds(3));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.DISCONNECT);
      assertThat(got.get(0).reasonCode()).isEqualTo(0x8E);
      // The new connection is alive and well.
      second.send(0xC0, 0x00); // PINGREQ
      assertThat(second.read().type()).isEqualTo(MqttWire.PINGRESP);
    }
  }

  @Test
  void mqtt311FirstConnectionIsClosed() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      AtomicReference<Throwable> cause = new AtomicReference<>();
      Mqtt3BlockingClient first = Mqtt3Client.builder().identifier("twin3").serverHost(broker.host())
          .serverPort(broker.port()).addDisconnectedListener(ctx -> cause.set(ctx.getCause())).buildBlocking();
      first.connectWith().cleanSession(false).send();
      first.subscribeWith().topicFilter("t3/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt3BlockingClient second = Mqtt3Client.builder().identifier("twin3").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      assertThat(second.connectWith().cleanSession(false).send().isSessionPresent()).isTrue();
      await().atMost(Duration.ofSeconds(3)).until(() -> cause.get() != null);
      assertThat(first.getState().isConnected()).isFalse();
      assertThat(second.getState().isConnected()).isTrue();
      assertThat(broker.broker().context().sessions().get("twin3").subscriptions()).hasSize(1);
      second.disconnect();
    }
  }

  /** Connects a raw MQTT 5 client "haunted" with session expiry 60 s and a will with the given delay. */
  private static RawClient withWill(TestBroker broker, int willDelay) throws Exception {
    RawClient raw = RawClient.open(broker);
    raw.send(MqttWire.connect5WithWill("haunted", true, 60,
        new MqttWire.Bytes().u8(0x11).u32(60).toArray(), // session expiry interval 60 s
        "takeover/will", "haunted died".getBytes(StandardCharsets.UTF_8), 1, false,
        new MqttWire.Bytes().u8(0x18).u32(willDelay).toArray())); // will delay interval
    assertThat(raw.read().reasonCode()).isZero();
    return raw;
  }

  private static Mqtt5BlockingClient willWatcher(TestBroker broker) {
    Mqtt5BlockingClient w = Mqtt5Client.builder().identifier("watcher").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    w.connect();
    return w;
  }

  @Test
  void takenOverConnectionPublishesItsWill() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient watcher = willWatcher(broker);
      try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
          RawClient first = withWill(broker, 0);
          RawClient second = RawClient.open(broker)) {
        watcher.subscribeWith().topicFilter("takeover/will").qos(MqttQos.AT_LEAST_ONCE).send();
        second.send(MqttWire.connect5("haunted", false, 60, null));
        assertThat(second.read().sessionPresent()).isTrue();
        Optional<Mqtt5Publish> will = wills.receive(5, TimeUnit.SECONDS);
        assertThat(will).isPresent();
        assertThat(new String(will.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("haunted died");
      }
      watcher.disconnect();
    }
  }

  @Test
  void delayedWillIsNotPublishedWhenTheSessionContinuesOnTheNewConnection() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient watcher = willWatcher(broker);
      try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
          RawClient first = withWill(broker, 1);
          RawClient second = RawClient.open(broker)) {
        watcher.subscribeWith().topicFilter("takeover/will").qos(MqttQos.AT_LEAST_ONCE).send();
        second.send(MqttWire.connect5("haunted", false, 60, new MqttWire.Bytes().u8(0x11).u32(60).toArray()));
        assertThat(second.read().sessionPresent()).isTrue();
        assertThat(wills.receive(2, TimeUnit.SECONDS)).isEmpty(); // past the 1 s delay: still nothing
      }
      watcher.disconnect();
    }
  }

  @Test
  void delayedWillIsPublishedWhenACleanStartTakeoverEndsTheSession() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient watcher = willWatcher(broker);
      try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
          RawClient first = withWill(broker, 30);
          RawClient second = RawClient.open(broker)) {
        watcher.subscribeWith().topicFilter("takeover/will").qos(MqttQos.AT_LEAST_ONCE).send();
        second.send(MqttWire.connect5("haunted", true, 60, null)); // clean start: the old session ends
        assertThat(second.read().sessionPresent()).isFalse();
        // The session the will belonged to has ended, so the will is due now [MQTT-3.1.2-8].
        Optional<Mqtt5Publish> will = wills.receive(3, TimeUnit.SECONDS);
        assertThat(will).isPresent();
        assertThat(new String(will.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("haunted died");
      }
      watcher.disconnect();
    }
  }
}
