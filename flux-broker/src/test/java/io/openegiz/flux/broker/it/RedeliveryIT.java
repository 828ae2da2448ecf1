package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Unfinished outbound QoS 1/2 exchanges are resumed on reconnect [MQTT-4.4.0-1]: a PUBLISH that was
 * not acknowledged is resent with DUP=1, a QoS 2 exchange past PUBREC is resumed with PUBREL. The
 * subscriber is a raw socket so that it can withhold its acknowledgements.
 */
class RedeliveryIT {

  private static void publish(TestBroker broker, String topic, String payload, MqttQos qos) {
    Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("publisher").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    pub.connect();
    pub.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8)).qos(qos).send();
    pub.disconnect();
  }

  /** Connects a raw persistent subscriber to {@code filter} and returns it after SUBACK. */
  private static RawClient subscriber(TestBroker broker, String id, String filter, int qos, boolean v5)
      throws Exception {
    RawClient raw = RawClient.open(broker);
    raw.send(v5 ? MqttWire.connect5(id, true, 60, sessionExpiry(300)) : MqttWire.connect311(id, false, 60));
    assertThat(raw.read().reasonCode()).isZero();
    raw.send(MqttWire.subscribe(1, filter, qos, v5));
    MqttPacket suback = raw.read(MqttWire.SUBACK);
    assertThat(suback.u8(suback.body().length - 1)).isEqualTo(qos);
    return raw;
  }

  /** CONNECT property block: 0x11 session expiry interval, 4-byte seconds. */
  private static byte[] sessionExpiry(long seconds) {
    return new MqttWire.Bytes().u8(0x11).u32(seconds).toArray();
  }

  private static void awaitOffline(TestBroker broker, String id) {
    await().atMost(Duration.ofSeconds(3)).until(() -> !broker.broker().context().sessions().get(id).online());
  }

  @Test
  void unacknowledgedQos1IsResentWithDupOnReconnect311() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      RawClient first = subscriber(broker, "redeliver1", "r/1", 1, false);
      publish(broker, "r/1", "payload-1", MqttQos.AT_LEAST_ONCE);
      MqttPacket p = first.read(MqttWire.PUBLISH);
      assertThat(p.qos()).isEqualTo(1);
      assertThat(p.dup()).isFalse();
      assertThat(new String(p.payload(false), StandardCharsets.UTF_8)).isEqualTo("payload-1");
      int id = p.publishId();
      first.close(); // no PUBACK
      awaitOffline(broker, "redeliver1");

      try (RawClient second = RawClient.open(broker)) {
        second.send(MqttWire.connect311("redeliver1", false, 60));
        MqttPacket ack = second.read();
        assertThat(ack.type()).isEqualTo(MqttWire.CONNACK);
        assertThat(ack.sessionPresent()).isTrue();
        MqttPacket again = second.read();
        assertThat(again.type()).isEqualTo(MqttWire.PUBLISH);
        assertThat(again.dup()).isTrue();
        assertThat(again.qos()).isEqualTo(1);
        assertThat(again.publishId()).isEqualTo(id);
        assertThat(again.topic()).isEqualTo("r/1");
        assertThat(new String(again.payload(false), StandardCharsets.UTF_8)).isEqualTo("payload-1");
        // Acknowledged now: the broker forgets it.
        second.send(MqttWire.ack(MqttWire.PUBACK, id));
        second.send(MqttWire.disconnect());
      }
      // The PUBACK precedes the DISCONNECT on the same connection: once the session is offline the
      // broker has read the PUBACK. Connecting earlier could take the session over before that read,
      // and then a redelivery would be correct behaviour, not a bug.
      awaitOffline(broker, "redeliver1");
      try (RawClient third = RawClient.open(broker)) {
        third.send(MqttWire.connect311("redeliver1", false, 60));
        assertThat(third.read().sessionPresent()).isTrue();
        // The next thing from the broker must be our PINGRESP, not a third copy of the message.
        third.send(0xC0, 0x00); // PINGREQ
        assertThat(third.read().type()).isEqualTo(MqttWire.PINGRESP);
      }
    }
  }

  @Test
  void unacknowledgedQos1IsResentWithDupOnReconnect5() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      RawClient first = subscriber(broker, "redeliver5", "r/5", 1, true);
      publish(broker, "r/5", "payload-5", MqttQos.AT_LEAST_ONCE);
      MqttPacket p = first.read(MqttWire.PUBLISH);
      assertThat(p.dup()).isFalse();
      int id = p.publishId();
      first.close();
      awaitOffline(broker, "redeliver5");

      try (RawClient second = RawClient.open(broker)) {
        second.send(MqttWire.connect5("redeliver5", false, 60, sessionExpiry(300)));
        assertThat(second.read().sessionPresent()).isTrue();
        MqttPacket again = second.read();
        assertThat(again.type()).isEqualTo(MqttWire.PUBLISH);
        assertThat(again.dup()).isTrue();
        assertThat(again.publishId()).isEqualTo(id);
        assertThat(new String(again.payload(true), StandardCharsets.UTF_8)).isEqualTo("payload-5");
      }
    }
  }

  @Test
  void qos2PublishWithoutPubrecIsResentWithDup() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      RawClient first = subscriber(broker, "q2-publish", "r/q2p", 2, false);
      publish(broker, "r/q2p", "two", MqttQos.EXACTLY_ONCE);
      MqttPacket p = first.read(MqttWire.PUBLISH);
      assertThat(p.qos()).isEqualTo(2);
      int id = p.publishId();
      first.close(); // no PUBREC
      awaitOffline(broker, "q2-publish");

      try (RawClient second = RawClient.open(broker)) {
        second.send(MqttWire.connect311("q2-publish", false, 60));
        assertThat(second.read().sessionPresent()).isTrue();
        MqttPacket again = second.read();
        assertThat(again.type()).isEqualTo(MqttWire.PUBLISH);
        assertThat(again.dup()).isTrue();
        assertThat(again.qos()).isEqualTo(2);
        assertThat(again.publishId()).isEqualTo(id);
        assertThat(new String(again.payload(false), StandardCharsets.UTF_8)).isEqualTo("two");
      }
    }
  }

  @Test
  void qos2AfterPubrecIsResumedWithPubrel() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      RawClient first = subscriber(broker, "q2-pubrel", "r/q2", 2, false);
      publish(broker, "r/q2", "exactly-once", MqttQos.EXACTLY_ONCE);
      MqttPacket p = first.read(MqttWire.PUBLISH);
      int id = p.publishId();
      first.send(MqttWire.ack(MqttWire.PUBREC, id));
      MqttPacket rel = first.read();
      assertThat(rel.type()).isEqualTo(MqttWire.PUBREL);
      assertThat(rel.u16(0)).isEqualTo(id);
      first.close(); // no PUBCOMP
      awaitOffline(broker, "q2-pubrel");

      try (RawClient second = RawClient.open(broker)) {
        second.send(MqttWire.connect311("q2-pubrel", false, 60));
        assertThat(second.read().sessionPresent()).isTrue();
        MqttPacket again = second.read();
        // The message itself is not sent again: only the PUBREL.
        assertThat(again.type()).isEqualTo(MqttWire.PUBREL);
        assertThat(again.flags()).isEqualTo(0x02); // PUBREL's reserved flags are 0010
        assertThat(again.u16(0)).isEqualTo(id);
        second.send(MqttWire.ack(MqttWire.PUBCOMP, id));
        second.send(0xC0, 0x00); // PINGREQ
        assertThat(second.read().type()).isEqualTo(MqttWire.PINGRESP);
      }
      await().atMost(Duration.ofSeconds(2)).until(() -> broker.broker().context().sessions().get("q2-pubrel")
          .queuedMessages() == 0);
    }
  }

  @Test
  void inboundQos2ResentAfterReconnectIsNotRoutedTwice() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("q2-watch").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      sub.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes got = sub.publishes(
          com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL)) {
        sub.subscribeWith().topicFilter("in/q2").qos(MqttQos.EXACTLY_ONCE).send();
        byte[] once = MqttWire.publish("in/q2", 2, 7, "once".getBytes(StandardCharsets.UTF_8), false);
        try (RawClient first = RawClient.open(broker)) {
          first.send(MqttWire.connect311("q2-sender", false, 60));
          assertThat(first.read().reasonCode()).isZero();
          first.send(once);
          MqttPacket rec = first.read();
          assertThat(rec.type()).isEqualTo(MqttWire.PUBREC);
          assertThat(rec.u16(0)).isEqualTo(7);
        } // gone before PUBREL
        awaitOffline(broker, "q2-sender");
        try (RawClient second = RawClient.open(broker)) {
          second.send(MqttWire.connect311("q2-sender", false, 60));
          assertThat(second.read().sessionPresent()).isTrue();
          once[0] |= 0x08; // the resend carries DUP
          second.send(once);
          MqttPacket rec = second.read();
          assertThat(rec.type()).isEqualTo(MqttWire.PUBREC);
          second.send(MqttWire.ack(MqttWire.PUBREL, 7));
          MqttPacket comp = second.read();
          assertThat(comp.type()).isEqualTo(MqttWire.PUBCOMP);
          assertThat(comp.u16(0)).isEqualTo(7);
          // A fresh message behind it: the watcher must see "once" then "next", not "once" twice.
          second.send(MqttWire.publish("in/q2", 1, 8, "next".getBytes(StandardCharsets.UTF_8), false));
          assertThat(second.read().type()).isEqualTo(MqttWire.PUBACK);
        }
        assertThat(got.receive(5, java.util.concurrent.TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(),
            StandardCharsets.UTF_8))).hasValue("once");
        assertThat(got.receive(5, java.util.concurrent.TimeUnit.SECONDS).map(p -> new String(p.getPayloadAsBytes(),
            StandardCharsets.UTF_8))).hasValue("next");
      }
      sub.disconnect();
    }
  }
}
