package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Bad input on the wire, byte by byte. Each test also proves that a well-behaved HiveMQ client
 * connected to the same broker the whole time is unaffected (checked after every test).
 */
class MalformedInputIT {
  private static final int MAX_PACKET = 1024;

  private TestBroker broker;
  private Mqtt5BlockingClient bystander;
  private Mqtt5BlockingClient.Mqtt5Publishes bystanderInbox;
  private final AtomicInteger round = new AtomicInteger();

  @BeforeEach
  void start() {
    broker = TestBroker.start(b -> b.maxPacketSize(MAX_PACKET).connectTimeout(Duration.ofMillis(500)));
    bystander = Mqtt5Client.builder().identifier("bystander").serverHost(broker.host()).serverPort(broker.port())
        .buildBlocking();
    bystander.connect();
    bystanderInbox = bystander.publishes(MqttGlobalPublishFilter.ALL);
    bystander.subscribeWith().topicFilter("bystander/#").qos(MqttQos.EXACTLY_ONCE).send();
    assertBystanderWorks();
  }

  @AfterEach
  void stop() {
    try {
      assertBystanderWorks();
    } finally {
      bystanderInbox.close();
      broker.close();
    }
  }

  /** The bystander stays connected and a message published by a fresh client reaches it. */
  private void assertBystanderWorks() {
    assertThat(bystander.getState().isConnected()).isTrue();
    String payload = "still fine " + round.incrementAndGet();
    Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("bystander-pub").serverHost(broker.host())
        .serverPort(broker.port()).buildBlocking();
    pub.connect();
    pub.publishWith().topic("bystander/check").payload(payload.getBytes(StandardCharsets.UTF_8))
        .qos(MqttQos.AT_LEAST_ONCE).send();
    pub.disconnect();
    try {
      Optional<Mqtt5Publish> got = bystanderInbox.receive(5, TimeUnit.SECONDS);
      assertThat(got).isPresent();
      assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo(payload);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A valid MQTT 5 CONNECT for client id "a", clean start, keep alive 60, no properties. */
  private static final int[] CONNECT_5 = {
      0x10, // CONNECT, flags 0000
      0x0E, // remaining length 14
      0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
      0x05, // protocol level 5 (MQTT 5.0)
      0x02, // connect flags: clean start
      0x00, 0x3C, // keep alive 60 s
      0x00, // property length 0
      0x00, 0x01, 'a'}; // client id "a"

  /** A valid MQTT 3.1.1 CONNECT for client id "a", clean session, keep alive 60. */
  private static final int[] CONNECT_311 = {
      0x10, // CONNECT, flags 0000
      0x0D, // remaining length 13
      0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
      0x04, // protocol level 4 (MQTT 3.1.1)
      0x02, // connect flags: clean session
      0x00, 0x3C, // keep alive 60 s
      0x00, 0x01, 'a'}; // client id "a"

  private RawClient connected(int[] connect) throws Exception {
    RawClient raw = RawClient.open(broker);
    raw.send(connect);
    MqttPacket ack = raw.read();
    assertThat(ack.type()).isEqualTo(MqttWire.CONNACK);
    assertThat(ack.reasonCode()).isZero();
    return raw;
  }

  private static void assertSingleDisconnect(List<MqttPacket> got, int reason) {
    assertThat(got).as("packets before close").hasSize(1);
    assertThat(got.get(0).type()).isEqualTo(MqttWire.DISCONNECT);
    assertThat(got.get(0).reasonCode()).isEqualTo(reason);
  }

  @Test
  void firstPacketThatIsNotConnectCloses() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0xC0, // PINGREQ
          0x00); // remaining length 0
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
    }
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x30, // PUBLISH, QoS 0
          0x04, // remaining length 4
          0x00, 0x01, 't', // topic "t"
          'x'); // payload "x"
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
    }
  }

  @Test
  void secondConnectIsAProtocolError() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(CONNECT_5); // the same CONNECT again on the same connection
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x82); // protocol error
    }
    try (RawClient raw = connected(CONNECT_311)) {
      raw.send(CONNECT_311);
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty(); // 3.1.1: just closed
    }
  }

  @Test
  void reservedConnectFlagCloses() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x10, // CONNECT
          0x0D, // remaining length 13
          0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
          0x04, // protocol level 4 (MQTT 3.1.1)
          0x03, // connect flags: clean session + the reserved bit 0 [MQTT-3.1.2-3]
          0x00, 0x3C, // keep alive 60 s
          0x00, 0x01, 'r'); // client id "r"
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
    }
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x10, // CONNECT
          0x0E, // remaining length 14
          0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
          0x05, // protocol level 5
          0x03, // connect flags: clean start + the reserved bit 0
          0x00, 0x3C, // keep alive 60 s
          0x00, // property length 0
          0x00, 0x01, 'r'); // client id "r"
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(2));
      // Closing silently or with a CONNACK error reason are both allowed; accepting is not.
      assertThat(got).allSatisfy(p -> {
        assertThat(p.type()).isEqualTo(MqttWire.CONNACK);
        assertThat(p.reasonCode()).isGreaterThanOrEqualTo(0x80);
      });
    }
    assertThat(broker.broker().context().sessions().get("r")).isNull();
  }

  @Test
  void mqtt5PublishToAWildcardTopicGetsDisconnect0x90() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(
          0x30, // PUBLISH, QoS 0, no retain
          0x07, // remaining length 7
          0x00, 0x03, 'a', '/', '#', // topic "a/#": a wildcard in a topic name
          0x00, // property length 0
          'x'); // payload "x"
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x90); // topic name invalid
    }
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(
          0x32, // PUBLISH, QoS 1
          0x09, // remaining length 9
          0x00, 0x03, 'a', '/', '+', // topic "a/+"
          0x00, 0x01, // packet id 1
          0x00, // property length 0
          'x'); // payload "x"
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x90);
    }
  }

  @Test
  void mqtt311PublishToAWildcardTopicCloses() throws Exception {
    try (RawClient raw = connected(CONNECT_311)) {
      raw.send(
          0x30, // PUBLISH, QoS 0
          0x06, // remaining length 6
          0x00, 0x03, 'a', '/', '#', // topic "a/#"
          'x'); // payload "x"
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
    }
  }

  @Test
  void fiveByteRemainingLengthIsMalformed() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(
          0x30, // PUBLISH
          0xFF, 0xFF, 0xFF, 0xFF, // four remaining length bytes, all with the continuation bit ...
          0x01); // ... and a fifth: the variable byte integer is malformed (at most 4 bytes)
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x81); // malformed packet
    }
    try (RawClient raw = connected(CONNECT_311)) {
      raw.send(
          0x30, // PUBLISH
          0x80, 0x80, 0x80, 0x80, // four bytes with the continuation bit
          0x01); // a fifth length byte
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
    }
  }

  @Test
  void packetLargerThanMaximumPacketSizeGetsDisconnect0x95WithoutBeingBuffered() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(
          0x30, // PUBLISH, QoS 0
          0xA0, 0x8D, 0x06, // remaining length 100000 (0x20 + 0x0D*128 + 0x06*128^2), above the 1024 limit
          0x00, 0x01, 'b'); // topic "b" -- and then nothing more: the rest of the 100000 bytes never comes
      // The broker must answer from the fixed header alone, not wait for 100000 bytes.
      long start = System.nanoTime();
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x95); // packet too large
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void oversizedConnectCloses() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x10, // CONNECT
          0x80, 0x10, // remaining length 2048 (0x00 + 0x10*128), above the 1024 limit
          0x00, 0x04, 'M', 'Q', 'T', 'T'); // protocol name, and nothing more
      long start = System.nanoTime();
      assertThat(raw.awaitClose(Duration.ofSeconds(2))).isEmpty();
      // Closed for its size, not by the 500 ms connect timeout.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(400));
    }
  }

  @Test
  void connectionWithoutConnectIsClosedAfterConnectTimeout() throws Exception {
    try (RawClient raw = RawClient.open(broker)) {
      long start = System.nanoTime();
      assertThat(raw.awaitClose(Duration.ofSeconds(3))).isEmpty(); // nothing sent at all
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350),
          Duration.ofMillis(2_000));
    }
    try (RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x10, // CONNECT
          0x0E, // remaining length 14 ...
          0x00, 0x04); // ... but only the protocol name length arrives
      long start = System.nanoTime();
      assertThat(raw.awaitClose(Duration.ofSeconds(3))).isEmpty();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(350),
          Duration.ofMillis(2_000));
    }
  }

  @Test
  void authPacketWithAMethodAfterConnectGetsDisconnect0x8C() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      raw.send(
          0xF0, // AUTH, flags 0000
          0x0A, // remaining length 10
          0x18, // reason code 0x18: continue authentication
          0x08, // property length 8
          0x15, // property 0x15: authentication method
          0x00, 0x05, 'S', 'C', 'R', 'A', 'M'); // "SCRAM"
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x8C); // bad authentication method
    }
  }

  @Test
  void mqtt5ReceiveMaximumExceededGetsDisconnect0x93() throws Exception {
    try (RawClient raw = connected(CONNECT_5)) {
      // 101 QoS 2 PUBLISH, never a PUBREL; the CONNACK said receive maximum 100.
      for (int id = 1; id <= 101; id++) {
        raw.send(
            0x34, // PUBLISH, QoS 2
            0x07, // remaining length 7
            0x00, 0x02, 'q', '2', // topic "q2"
            id >> 8, id & 0xFF, // packet id
            0x00); // property length 0, empty payload
      }
      for (int id = 1; id <= 100; id++) {
        MqttPacket rec = raw.read();
        assertThat(rec.type()).as("answer to PUBLISH %d", id).isEqualTo(MqttWire.PUBREC);
        assertThat(rec.u16(0)).isEqualTo(id);
      }
      assertSingleDisconnect(raw.awaitClose(Duration.ofSeconds(2)), 0x93); // receive maximum exceeded
    }
  }
}
