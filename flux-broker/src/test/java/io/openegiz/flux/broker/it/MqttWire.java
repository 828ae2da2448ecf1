package io.openegiz.flux.broker.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The MQTT 3.1.1 / 5.0 wire format written by hand for the byte-level test clients ({@link RawClient},
 * {@link WireClient}): packet type and property constants, packet builders, and reading one packet off a
 * stream. It deliberately does not use the broker's codec, so a codec bug cannot hide itself in the tests.
 * Decoding a received packet is {@link MqttPacket}'s job.
 */
final class MqttWire {
  /** MQTT control packet types (first nibble of the fixed header). */
  static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7,
      SUBSCRIBE = 8, SUBACK = 9, UNSUBACK = 11, PINGRESP = 13, DISCONNECT = 14, AUTH = 15;
  /** Type of the pseudo packet {@link WireClient} queues when the broker closes the connection. */
  static final int CLOSED = -1;

  /** MQTT 5 property identifiers used by the tests. */
  static final int PFI = 0x01, MESSAGE_EXPIRY = 0x02, CONTENT_TYPE = 0x03, RESPONSE_TOPIC = 0x08,
      CORRELATION_DATA = 0x09, SUBSCRIPTION_ID = 0x0B, SESSION_EXPIRY = 0x11, REASON_STRING = 0x1F,
      RECEIVE_MAXIMUM = 0x21, TOPIC_ALIAS_MAXIMUM = 0x22, TOPIC_ALIAS = 0x23, USER_PROPERTY = 0x26,
      MAXIMUM_PACKET_SIZE = 0x27;

  private MqttWire() {}

  // ---- reading --------------------------------------------------------------------------------

  /**
   * Reads one whole packet. Returns null when the stream ends cleanly before a packet starts, so each
   * client can decide what a close means to it; a close inside a packet is an {@link EOFException}.
   *
   * @param v5 whether the connection speaks MQTT 5, or null when the reader does not know
   */
  static MqttPacket readPacket(InputStream in, Boolean v5) throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      return null;
    }
    int len = 0;
    int mul = 1;
    int d;
    do {
      d = in.read();
      if (d < 0) {
        throw new EOFException("connection closed inside a fixed header");
      }
      len += (d & 0x7F) * mul;
      mul *= 128;
    } while ((d & 0x80) != 0);
    byte[] body = in.readNBytes(len);
    if (body.length < len) {
      throw new EOFException("connection closed inside a packet");
    }
    return new MqttPacket(b0 >> 4, b0 & 0x0F, body, v5);
  }

  // ---- packet builders ------------------------------------------------------------------------

  /** MQTT 3.1.1 CONNECT (protocol level 4). */
  static byte[] connect311(String clientId, boolean cleanSession, int keepAlive) {
    Bytes vh = new Bytes().str("MQTT").u8(4).u8(cleanSession ? 0x02 : 0x00).u16(keepAlive);
    return packet(CONNECT << 4, vh.str(clientId).toArray());
  }

  /** MQTT 5 CONNECT (protocol level 5) with optional CONNECT properties (already encoded, without length). */
  static byte[] connect5(String clientId, boolean cleanStart, int keepAlive, byte[] properties) {
    Bytes b = new Bytes().str("MQTT").u8(5).u8(cleanStart ? 0x02 : 0x00).u16(keepAlive)
        .props(properties).str(clientId);
    return packet(CONNECT << 4, b.toArray());
  }

  /** MQTT 5 CONNECT with a will (QoS {@code willQos}, retain flag) and will properties. */
  static byte[] connect5WithWill(String clientId, boolean cleanStart, int keepAlive, byte[] properties,
      String willTopic, byte[] willPayload, int willQos, boolean willRetain, byte[] willProperties) {
    int flags = (cleanStart ? 0x02 : 0) | 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
    Bytes b = new Bytes().str("MQTT").u8(5).u8(flags).u16(keepAlive).props(properties).str(clientId)
        .props(willProperties).str(willTopic).bin(willPayload);
    return packet(CONNECT << 4, b.toArray());
  }

  /** MQTT 3.1.1 CONNECT with a will. */
  static byte[] connect311WithWill(String clientId, boolean cleanSession, int keepAlive, String willTopic,
      byte[] willPayload, int willQos, boolean willRetain) {
    int flags = (cleanSession ? 0x02 : 0) | 0x04 | (willQos << 3) | (willRetain ? 0x20 : 0);
    Bytes b = new Bytes().str("MQTT").u8(4).u8(flags).u16(keepAlive).str(clientId).str(willTopic)
        .bin(willPayload);
    return packet(CONNECT << 4, b.toArray());
  }

  /** SUBSCRIBE for one filter; MQTT 5 adds an empty property block. */
  static byte[] subscribe(int packetId, String filter, int options, boolean v5) {
    return subscribe(packetId, filter, options, v5, null);
  }

  /** SUBSCRIBE for one filter with subscription options; {@code props} (may be null) only for MQTT 5. */
  static byte[] subscribe(int packetId, String filter, int options, boolean v5, Props props) {
    Bytes b = new Bytes().u16(packetId);
    if (v5) {
      b.props(props);
    }
    return packet((SUBSCRIBE << 4) | 0x02, b.str(filter).u8(options).toArray());
  }

  /** PUBLISH; {@code packetId} is ignored for QoS 0; MQTT 5 adds an empty property block. */
  static byte[] publish(String topic, int qos, int packetId, byte[] payload, boolean v5) {
    return publish(topic, qos, false, false, packetId, v5, null, payload);
  }

  /** PUBLISH with every header flag; {@code props} (may be null) only for MQTT 5. */
  static byte[] publish(String topic, int qos, boolean retain, boolean dup, int packetId, boolean v5, Props props,
      byte[] payload) {
    Bytes b = new Bytes().str(topic);
    if (qos > 0) {
      b.u16(packetId);
    }
    if (v5) {
      b.props(props);
    }
    int flags = (dup ? 0x08 : 0) | (qos << 1) | (retain ? 0x01 : 0);
    return packet((PUBLISH << 4) | flags, b.raw(payload).toArray());
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP with just a packet id (reason code 0x00 implied). */
  static byte[] ack(int type, int packetId) {
    return packet((type << 4) | (type == PUBREL ? 0x02 : 0), new Bytes().u16(packetId).toArray());
  }

  /** MQTT 5 DISCONNECT with a reason code and no properties. */
  static byte[] disconnect5(int reason) {
    return packet(DISCONNECT << 4, new Bytes().u8(reason).u8(0).toArray());
  }

  /** DISCONNECT with remaining length 0 (3.1.1, or 5.0 normal disconnection). */
  static byte[] disconnect() {
    return new byte[] {(byte) 0xE0, 0x00};
  }

  /** A fixed header (first byte and remaining length) followed by the body. */
  static byte[] packet(int firstByte, byte[] body) {
    return new Bytes().u8(firstByte).varInt(body.length).raw(body).toArray();
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02X ", x & 0xFF));
    }
    return s.toString().trim();
  }

  // ---- encoders -------------------------------------------------------------------------------

  /** A small encoder for MQTT data types. */
  static final class Bytes {
    private final ByteArrayOutputStream b = new ByteArrayOutputStream();

    Bytes u8(int v) {
      b.write(v);
      return this;
    }

    Bytes u16(int v) {
      b.write(v >> 8);
      b.write(v);
      return this;
    }

    Bytes u32(long v) {
      return u16((int) (v >> 16) & 0xFFFF).u16((int) v & 0xFFFF);
    }

    Bytes varInt(int v) {
      do {
        int d = v % 128;
        v /= 128;
        b.write(v > 0 ? d | 0x80 : d);
      } while (v > 0);
      return this;
    }

    Bytes str(String s) {
      return bin(s.getBytes(StandardCharsets.UTF_8));
    }

    Bytes bin(byte[] v) {
      u16(v.length);
      return raw(v);
    }

    Bytes raw(byte[] v) {
      b.writeBytes(v);
      return this;
    }

    /** A property block: its length as a variable byte integer, then the properties (null: none). */
    Bytes props(byte[] p) {
      byte[] v = p == null ? new byte[0] : p;
      return varInt(v.length).raw(v);
    }

    /** A property block from a {@link Props} builder (null: none). */
    Bytes props(Props p) {
      return props(p == null ? null : p.toArray());
    }

    byte[] toArray() {
      return b.toByteArray();
    }
  }

  /** MQTT 5 properties to encode, in the order added; {@link #toArray()} is the block without its length. */
  static final class Props {
    private final Bytes buf = new Bytes();

    Props u8(int id, int v) {
      buf.varInt(id).u8(v);
      return this;
    }

    Props u16(int id, int v) {
      buf.varInt(id).u16(v);
      return this;
    }

    Props u32(int id, long v) {
      buf.varInt(id).u32(v);
      return this;
    }

    Props varInt(int id, int v) {
      buf.varInt(id).varInt(v);
      return this;
    }

    Props str(int id, String v) {
      buf.varInt(id).str(v);
      return this;
    }

    Props bin(int id, byte[] v) {
      buf.varInt(id).bin(v);
      return this;
    }

    Props user(String k, String v) {
      buf.varInt(USER_PROPERTY).str(k).str(v);
      return this;
    }

    byte[] toArray() {
      return buf.toArray();
    }
  }
}
