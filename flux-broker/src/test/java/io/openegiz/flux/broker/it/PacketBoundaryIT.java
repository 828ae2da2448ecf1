package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Packet boundaries on the wire, byte by byte: packets sent in the same write as the CONNECT (the
 * exact reproductions of issue 12) are answered after the CONNACK, and a length inside a packet that
 * runs past the packet's end is a malformed packet, closed at once instead of read into the next packets.
 */
class PacketBoundaryIT {

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void connectWithAnEmptyClientIdAndAPubackInOneWriteIsAnsweredWithConnAck() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      c.send(hex("100c00044d5154540402003c0000" // CONNECT 3.1.1, clean session, keep alive 60, client id ""
          + "40020001")); // PUBACK for packet id 1, which the broker never sent
      MqttPacket ack = c.read();
      assertThat(ack.type()).isEqualTo(MqttWire.CONNACK); // first, and accepted
      assertThat(ack.reasonCode()).isZero();
      c.send(0xC0, 0x00); // PINGREQ: the connection still works
      assertThat(c.read().type()).isEqualTo(MqttWire.PINGRESP);
    }
  }

  @Test
  void connectAndAQos0PublishInOneWriteDeliversThePublish() throws Exception {
    try (TestBroker broker = TestBroker.start();
        RawClient sub = RawClient.open(broker);
        RawClient c = RawClient.open(broker)) {
      sub.send(MqttWire.connect311("sub", true, 60));
      assertThat(sub.read().type()).isEqualTo(MqttWire.CONNACK);
      sub.send(MqttWire.subscribe(1, "t", 0, false));
      assertThat(sub.read().type()).isEqualTo(MqttWire.SUBACK);

      c.send(hex("100d00044d5154540402003c000161" // CONNECT 3.1.1, client id "a"
          + "300400017478")); // PUBLISH QoS 0, topic "t", payload "x"
      MqttPacket ack = c.read();
      assertThat(ack.type()).isEqualTo(MqttWire.CONNACK);
      assertThat(ack.reasonCode()).isZero();
      MqttPacket got = sub.read();
      assertThat(got.type()).isEqualTo(MqttWire.PUBLISH);
      assertThat(got.topic()).isEqualTo("t");
      assertThat(new String(got.payload(false), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo("x");
    }
  }

  @Test
  void aPingreqSentWithTheConnectIsAnsweredAfterTheConnAck() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      c.send(hex("100d00044d5154540402003c000161" // CONNECT 3.1.1, client id "a"
          + "c000")); // PINGREQ
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK); // [MQTT-3.2.0-1] CONNACK is the first packet
      assertThat(c.read().type()).isEqualTo(MqttWire.PINGRESP);
    }
  }

  @Test
  void packetsSentWithARefusedConnectAreDiscarded() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.allowAnonymous(false)); RawClient c = RawClient.open(broker)) {
      c.send(hex("100d00044d5154540402003c000161" // CONNECT 3.1.1, client id "a", no credentials
          + "c000")); // PINGREQ
      List<MqttPacket> got = c.awaitClose(Duration.ofSeconds(2));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.CONNACK);
      assertThat(got.get(0).reasonCode()).isNotZero();
    }
  }

  // ---- lengths that overrun their packet ----------------------------------------------------

  /** MQTT 3.1.1 CONNECT, client id "a". */
  private static final String CONNECT_311 = "100d00044d5154540402003c000161";
  /** MQTT 5 CONNECT, client id "a", no properties. */
  private static final String CONNECT_5 = "100e00044d5154540502003c00000161";
  private static final String PINGREQ = "c000";

  /** Sends {@code packet} and a PINGREQ behind it on a connected client; the broker must close at once. */
  private static List<MqttPacket> overrun(TestBroker broker, String connect, String packet) throws Exception {
    try (RawClient c = RawClient.open(broker)) {
      c.send(hex(connect));
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK);
      c.send(hex(packet + PINGREQ));
      long start = System.nanoTime();
      List<MqttPacket> got = c.awaitClose(Duration.ofSeconds(2));
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
      assertThat(got).noneMatch(p -> p.type() == MqttWire.PINGRESP); // the PINGREQ was not read as part of it
      return got;
    }
  }

  private static void assertMalformed(List<MqttPacket> got) {
    assertThat(got).hasSize(1);
    assertThat(got.get(0).type()).isEqualTo(MqttWire.DISCONNECT);
    assertThat(got.get(0).reasonCode()).isEqualTo(0x81); // malformed packet
  }

  @Test
  void aTopicLengthPastThePacketEndCloses() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      // PUBLISH QoS 0, remaining length 4, topic length 0x0010 (16) but only 2 bytes follow
      assertThat(overrun(broker, CONNECT_311, "30040010" + "7478")).isEmpty();
      assertMalformed(overrun(broker, CONNECT_5, "30040010" + "7478"));
    }
  }

  @Test
  void aSubscribeFilterLengthPastThePacketEndCloses() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      // SUBSCRIBE, remaining length 6, packet id 1, filter length 0x0008 but 1 byte + options follow
      assertThat(overrun(broker, CONNECT_311, "8206" + "0001" + "0008" + "74" + "00")).isEmpty();
      // MQTT 5: packet id 1, property length 0, filter length 8 but 1 byte + options follow
      assertMalformed(overrun(broker, CONNECT_5, "8207" + "0001" + "00" + "0008" + "74" + "00"));
    }
  }

  @Test
  void anUnsubscribeFilterLengthPastThePacketEndCloses() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      assertThat(overrun(broker, CONNECT_311, "a205" + "0001" + "0008" + "74")).isEmpty();
      assertMalformed(overrun(broker, CONNECT_5, "a206" + "0001" + "00" + "0008" + "74"));
    }
  }

  @Test
  void aPropertyLengthPastThePacketEndCloses() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      // PUBLISH QoS 0, topic "t", property length 10 but 1 byte follows
      assertMalformed(overrun(broker, CONNECT_5, "3005" + "000174" + "0a" + "01"));
      // PUBLISH QoS 0, topic "t", property length 5: content type (0x03) of length 0x0020, 2 bytes follow
      assertMalformed(overrun(broker, CONNECT_5, "3009" + "000174" + "05" + "03" + "0020" + "7878"));
      // DISCONNECT reason 0, property length 4: reason string (0x1F) of length 0x0040, 1 byte follows
      assertMalformed(overrun(broker, CONNECT_5, "e006" + "00" + "04" + "1f" + "0040" + "78"));
    }
  }

  /** Netty's codec itself refuses bytes left over after the fields; this keeps it so. */
  @Test
  void aPacketLongerThanItsFieldsCloses() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      // PINGREQ with remaining length 2, holding a PINGREQ of its own
      assertThat(overrun(broker, CONNECT_311, "c002" + "c000")).isEmpty();
      // PUBACK with remaining length 4: packet id 1, reason 0, property length 0 ... and a PINGREQ inside
      assertMalformed(overrun(broker, CONNECT_5, "4006" + "0001" + "00" + "00" + "c000"));
    }
  }

  /** MQTT 5: a property that may appear once, twice, is a Protocol Error (Netty's codec would keep the last). */
  @Test
  void aRepeatedPropertyIsAProtocolError() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      c.send(hex(CONNECT_5));
      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK);
      c.send(hex("3012" // PUBLISH QoS 0, remaining length 18
          + "000174" // topic "t"
          + "0e" + "26000161000162" + "26000161000162" // user property a=b twice: allowed
          + "c000")); // and a PINGREQ
      assertThat(c.read().type()).isEqualTo(MqttWire.PINGRESP);
      c.send(hex("3009" // PUBLISH QoS 0, remaining length 9
          + "000174" // topic "t"
          + "04" + "0101" + "0101" // payload format indicator 1, twice
          + "78")); // payload "x"
      List<MqttPacket> got = c.awaitClose(Duration.ofSeconds(2));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.DISCONNECT);
      assertThat(got.get(0).reasonCode()).isEqualTo(0x82); // protocol error
    }
  }

  @Test
  void aClientIdLengthPastTheConnectEndCloses() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      // CONNECT 3.1.1, client id length 0x0010 but one byte follows; then a PINGREQ
      c.send(hex("100d00044d5154540402003c001061" + PINGREQ));
      assertThat(c.awaitClose(Duration.ofSeconds(1))).noneMatch(p -> p.type() == MqttWire.PINGRESP);
    }
  }
}
