package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.metrics.DropReason;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MQTT 5 edge cases found with an independent test client (issue 12), each with a client we did not
 * write where one can do it (HiveMQ MQTT client), raw bytes where none can.
 */
class MqttEdgeCasesIT {
  @TempDir
  Path dir;

  /**
   * [MQTT-3.1.2-24] [MQTT-3.1.2-25] Every PUBLISH whose exact encoded size fits the client's Maximum
   * Packet Size is sent; only larger ones are withheld. On a 19-character topic at QoS 1 a PUBLISH is
   * 28 bytes plus its payload (the HiveMQ client subscribes with subscription identifier 1, which the
   * broker sends back: 2 bytes of properties): 36 bytes of payload make exactly 64.
   */
  @Test
  void everyPublishThatFitsTheClientsMaximumPacketSizeIsSent() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.builder5(broker, "small").buildBlocking();
      sub.connectWith().restrictions().maximumPacketSize(64).applyRestrictions().send();
      List<Mqtt5Publish> got = Clients.collect(sub);
      String topic = "factory/oven001/tmp"; // 19 characters
      sub.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      for (int size : new int[] {10, 36, 37, 1}) { // packets of 38, 64, 65 and 29 bytes
        pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[size]).send();
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 3);
      assertThat(got).extracting(p -> p.getPayloadAsBytes().length).containsExactly(10, 36, 1);
      assertThat(broker.broker().metrics().dropped(DropReason.TOO_LARGE_FOR_CLIENT)).isEqualTo(1);
      sub.disconnect();
      pub.disconnect();
    }
  }

  /**
   * After its DISCONNECT the broker shuts its output and reads on for a moment before it closes, so a
   * client that is still sending (here: PUBRELs, as a client whose QoS 2 window the broker refused does)
   * reads the DISCONNECT and its reason code, then the end of the stream, and never a TCP reset.
   */
  @Test
  void aClientStillSendingReadsTheDisconnectNotAReset() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      c.send(MqttWire.connect5("flood", true, 60, null));
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK); // receive maximum 100
      ByteArrayOutputStream flood = new ByteArrayOutputStream();
      for (int id = 1; id <= 101; id++) { // 101 QoS 2 PUBLISH and no PUBREL: 0x93 at the 101st
        flood.writeBytes(MqttWire.publish("q2", 2, id, new byte[0], true));
      }
      c.send(flood.toByteArray());
      byte[] pubrels = new byte[0];
      for (int id = 1; id <= 100; id++) {
        pubrels = concat(pubrels, MqttWire.ack(MqttWire.PUBREL, 1000 + id)); // unknown ids, as a busy client sends
      }
      for (int i = 0; i < 100; i++) {
        c.send(pubrels); // 40 KB more while the broker disconnects
      }
      List<MqttPacket> got = new ArrayList<>();
      try {
        while (true) {
          got.add(c.read()); // a reset would throw SocketException here, before the DISCONNECT is read
        }
      } catch (EOFException end) {
        // the broker's half-close: everything it sent has been read
      }
      MqttPacket last = got.get(got.size() - 1);
      assertThat(last.type()).isEqualTo(MqttWire.DISCONNECT);
      assertThat(last.reasonCode()).isEqualTo(0x93); // receive maximum exceeded
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = new byte[a.length + b.length];
    System.arraycopy(a, 0, r, 0, a.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * MQTT 5 section 3.1.3.2.4: a will's Message Expiry Interval is "the lifetime of the Will Message"
   * from when the server publishes it, not from CONNECT: a client connected for an hour with a will that
   * expires after 60 s still leaves a will that lives 60 s.
   */
  @Test
  void aWillsMessageExpiryIntervalCountsFromItsPublication() {
    SettableClock clock = new SettableClock();
    BrokerConfig config = BrokerConfig.builder().listener(0, "127.0.0.1").maxPublishRate(0).build();
    try (TestBroker broker = TestBroker.start(FluxBroker.builder(config).clock(clock))) {
      Mqtt5BlockingClient watcher = Clients.v5(broker, "watcher");
      List<Mqtt5Publish> wills = Clients.collect(watcher);
      watcher.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient device = Clients.builder5(broker, "device").buildBlocking();
      device.connectWith().willPublish().topic("will/device").payload(new byte[] {1}).qos(MqttQos.AT_LEAST_ONCE)
          .messageExpiryInterval(60).applyWillPublish().send();
      clock.advance(Duration.ofHours(1)); // connected for an hour
      device.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> !wills.isEmpty());
      assertThat(wills.get(0).getMessageExpiryInterval()).hasValue(60);
      watcher.disconnect();
    }
  }

  /**
   * [MQTT-3.3.4-9] With {@code persistence true} a QoS 1 PUBACK waits for the store, and until it goes
   * out the client counts the PUBLISH against the broker's receive maximum: an MQTT 5 client that sends
   * more than the receive maximum (100) unacknowledged QoS 1 PUBLISH is disconnected with 0x93, as for
   * QoS 2. All 300 go out in one write, so the broker decodes them before any store write completes.
   */
  @Test
  void theReceiveMaximumCountsQos1PublishWaitingForTheStore() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.persistence(true).persistenceLocation(dir.resolve("store")));
        RawClient c = RawClient.open(broker)) {
      c.send(MqttWire.connect5("burst5", true, 60, null));
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK);
      c.send(qos1Burst(300, true));
      List<MqttPacket> got = c.awaitClose(Duration.ofSeconds(5));
      assertThat(got).filteredOn(p -> p.type() == MqttWire.PUBACK).hasSizeLessThanOrEqualTo(100);
      MqttPacket last = got.get(got.size() - 1);
      assertThat(last.type()).isEqualTo(MqttWire.DISCONNECT);
      assertThat(last.reasonCode()).isEqualTo(0x93);
    }
  }

  /**
   * MQTT 3.1.1 has no receive maximum to refuse with: a 3.1.1 client whose QoS 1 PUBACKs wait for the
   * store is not read from while 100 are waiting, and every PUBLISH is acknowledged in the end.
   */
  @Test
  void aMqtt311BurstWaitsForTheStoreInsteadOfBeingRefused() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.persistence(true).persistenceLocation(dir.resolve("store")));
        RawClient c = RawClient.open(broker)) {
      c.send(MqttWire.connect311("burst3", true, 60));
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK);
      c.send(qos1Burst(300, false));
      for (int id = 1; id <= 300; id++) {
        MqttPacket ack = c.read();
        assertThat(ack.type()).isEqualTo(MqttWire.PUBACK);
        assertThat(ack.u16(0)).isEqualTo(id);
      }
    }
  }

  private static byte[] qos1Burst(int n, boolean v5) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int id = 1; id <= n; id++) {
      // retained: a retained change is stored before its PUBACK, whether anyone subscribes or not
      b.writeBytes(MqttWire.publish("burst", 1, true, false, id, v5, null, new byte[] {(byte) id}));
    }
    return b.toByteArray();
  }
}
