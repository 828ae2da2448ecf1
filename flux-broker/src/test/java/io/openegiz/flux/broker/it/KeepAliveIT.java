package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Keep alive: a silent client is dropped after 1.5 x its keep alive [MQTT-3.1.2-22]; max_keepalive. */
class KeepAliveIT {

  private static Mqtt5BlockingClient willWatcher(TestBroker broker) {
    Mqtt5BlockingClient w = Mqtt5Client.builder().identifier("will-watcher").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    w.connect();
    return w;
  }

  private static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  @Test
  void silentMqtt5ClientIsDisconnectedWith0x8DAndItsWillIsPublished() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient watcher = willWatcher(broker);
      try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
          RawClient raw = RawClient.open(broker)) {
        watcher.subscribeWith().topicFilter("ka/will").qos(MqttQos.AT_LEAST_ONCE).send();
        raw.send(MqttWire.connect5WithWill("silent5", true, 1, null, "ka/will",
            "silent5 gone".getBytes(StandardCharsets.UTF_8), 1, false, null));
        assertThat(raw.read().reasonCode()).isZero();
        long start = System.nanoTime();
        List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(4));
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        assertThat(elapsed).isBetween(Duration.ofMillis(1_200), Duration.ofMillis(2_500));
        assertThat(got).hasSize(1);
        assertThat(got.get(0).type()).isEqualTo(MqttWire.DISCONNECT);
        assertThat(got.get(0).reasonCode()).isEqualTo(0x8D); // keep alive timeout

        Optional<Mqtt5Publish> will = wills.receive(3, TimeUnit.SECONDS);
        assertThat(will).isPresent();
        assertThat(text(will.get())).isEqualTo("silent5 gone");
      }
      watcher.disconnect();
    }
  }

  @Test
  void silentMqtt311ClientIsClosedAndItsWillIsPublished() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient watcher = willWatcher(broker);
      try (Mqtt5BlockingClient.Mqtt5Publishes wills = watcher.publishes(MqttGlobalPublishFilter.ALL);
          RawClient raw = RawClient.open(broker)) {
        watcher.subscribeWith().topicFilter("ka/will3").qos(MqttQos.AT_LEAST_ONCE).send();
        raw.send(MqttWire.connect311WithWill("silent3", true, 1, "ka/will3",
            "silent3 gone".getBytes(StandardCharsets.UTF_8), 0, false));
        assertThat(raw.read().reasonCode()).isZero();
        long start = System.nanoTime();
        List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(4));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1_200),
            Duration.ofMillis(2_500));
        assertThat(got).isEmpty(); // 3.1.1 has no server DISCONNECT
        Optional<Mqtt5Publish> will = wills.receive(3, TimeUnit.SECONDS);
        assertThat(will).isPresent();
        assertThat(text(will.get())).isEqualTo("silent3 gone");
      }
      watcher.disconnect();
    }
  }

  @Test
  void aClientThatPingsStaysConnected() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      // The HiveMQ client sends PINGREQ on its own when it has nothing else to send.
      Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("pinger").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      c.connectWith().keepAlive(1).send();
      await().during(Duration.ofMillis(2_500)).atMost(Duration.ofSeconds(4))
          .until(() -> c.getState().isConnected() && broker.broker().context().sessions().get("pinger").online());
      c.disconnect();
    }
  }

  @Test
  void maxKeepaliveLowersMqtt5AndRefusesMqtt311() {
    try (TestBroker broker = TestBroker.start(b -> b.maxKeepalive(10))) {
      Mqtt5BlockingClient c5 = Mqtt5Client.builder().identifier("ka5").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      Mqtt5ConnAck ack = c5.connectWith().keepAlive(60).send();
      assertThat(ack.getServerKeepAlive()).hasValue(10);
      c5.disconnect();
      // Within the maximum nothing is lowered.
      assertThat(c5.connectWith().keepAlive(5).send().getServerKeepAlive()).isEmpty();
      c5.disconnect();

      Mqtt3BlockingClient c3 = Mqtt3Client.builder().identifier("ka3").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      Mqtt3ConnAckException e = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> c3.connectWith().keepAlive(60).send());
      assertThat(e).isNotNull();
      assertThat(e.getMqttMessage().getReturnCode().isError()).isTrue();
      assertThat(broker.broker().context().sessions().get("ka3")).isNull();
      // ... but a 3.1.1 client within the maximum is fine.
      assertThat(c3.connectWith().keepAlive(10).send().getReturnCode().isError()).isFalse();
      c3.disconnect();
    }
  }

  @Test
  void aLoweredKeepAliveIsEnforced() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxKeepalive(1)); RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5("lowered", true, 60, null));
      MqttPacket ack = raw.read();
      assertThat(ack.reasonCode()).isZero();
      assertThat(ack.propertyMap()).containsEntry(0x13, 1); // server keep alive 1 s
      long start = System.nanoTime();
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(4));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(1_200),
          Duration.ofMillis(2_500));
      assertThat(got).extracting(MqttPacket::reasonCode).containsExactly(0x8D);
    }
  }
}
