package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;

/**
 * Hand-encoded MQTT control packets. The generator sends only a handful of packet shapes, so it
 * writes their bytes directly instead of building codec objects per message.
 */
final class Frames {
  static final int CONNECT = 1;
  static final int CONNACK = 2;
  static final int PUBLISH = 3;
  static final int PUBACK = 4;
  static final int PUBREC = 5;
  static final int PUBREL = 6;
  static final int PUBCOMP = 7;
  static final int SUBACK = 9;
  static final int PINGRESP = 13;

  private Frames() {
  }

  /** CONNECT with a clean session/clean start, no will, no credentials. */
  static ByteBuf connect(ByteBufAllocator alloc, MqttVersion version, String clientId, int keepAliveSeconds) {
    return connect(alloc, version, clientId, keepAliveSeconds, true);
  }

  /** CONNECT with no will and no credentials; {@code cleanSession} false asks the broker to keep the session. */
  static ByteBuf connect(ByteBufAllocator alloc, MqttVersion version, String clientId, int keepAliveSeconds,
      boolean cleanSession) {
    return connect(alloc, version, clientId, keepAliveSeconds, cleanSession, null);
  }

  /** As above, with a username and password when {@code login} is not null. */
  static ByteBuf connect(ByteBufAllocator alloc, MqttVersion version, String clientId, int keepAliveSeconds,
      boolean cleanSession, Login login) {
    byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
    ByteBuf body = alloc.buffer();
    writeString(body, "MQTT".getBytes(StandardCharsets.US_ASCII));
    body.writeByte(version.protocolLevel());
    int credentials = login == null ? 0 : 0xC0; // username and password flags
    body.writeByte(credentials | (cleanSession ? 0x02 : 0x00)); // clean session (3.1.1) / clean start (5)
    body.writeShort(keepAliveSeconds);
    if (version.hasProperties()) {
      body.writeByte(0); // no CONNECT properties: the server's receive maximum governs our window
    }
    writeString(body, id);
    if (login != null) {
      writeString(body, login.username().getBytes(StandardCharsets.UTF_8));
      writeString(body, login.password().getBytes(StandardCharsets.UTF_8));
    }
    return frame(alloc, 0x10, body);
  }

  /** SUBSCRIBE with one topic filter at the given maximum QoS. */
  static ByteBuf subscribe(ByteBufAllocator alloc, MqttVersion version, int packetId, String filter, int qos) {
    ByteBuf body = alloc.buffer();
    body.writeShort(packetId);
    if (version.hasProperties()) {
      body.writeByte(0);
    }
    writeString(body, filter.getBytes(StandardCharsets.UTF_8));
    body.writeByte(qos);
    return frame(alloc, 0x82, body);
  }

  /** A PUBLISH of {@code payload} at QoS 0 or 1, built per message (only for low-rate scenarios). */
  static ByteBuf publish(ByteBufAllocator alloc, MqttVersion version, String topic, int qos, int packetId,
      byte[] payload) {
    ByteBuf body = alloc.buffer();
    writeString(body, topic.getBytes(StandardCharsets.UTF_8));
    if (qos > 0) {
      body.writeShort(packetId);
    }
    if (version.hasProperties()) {
      body.writeByte(0);
    }
    body.writeBytes(payload);
    return frame(alloc, 0x30 | qos << 1, body);
  }

  /** PUBACK, PUBREC, PUBREL or PUBCOMP: four bytes, success implied in MQTT 5 by the short form. */
  static ByteBuf ack(ByteBufAllocator alloc, int type, int packetId) {
    int flags = type == PUBREL ? 0x02 : 0x00;
    return alloc.buffer(4).writeByte(type << 4 | flags).writeByte(2).writeShort(packetId);
  }

  static ByteBuf pingreq(ByteBufAllocator alloc) {
    return alloc.buffer(2).writeByte(0xC0).writeByte(0);
  }

  static ByteBuf disconnect(ByteBufAllocator alloc) {
    return alloc.buffer(2).writeByte(0xE0).writeByte(0);
  }

  /** Bytes an MQTT variable byte integer takes. */
  static int varIntSize(int value) {
    return value < 128 ? 1 : value < 16_384 ? 2 : value < 2_097_152 ? 3 : 4;
  }

  static void writeVarInt(ByteBuf out, int value) {
    int v = value;
    do {
      int digit = v & 0x7F;
      v >>>= 7;
      out.writeByte(v > 0 ? digit | 0x80 : digit);
    } while (v > 0);
  }

  static void writeString(ByteBuf out, byte[] utf8) {
    out.writeShort(utf8.length);
    out.writeBytes(utf8);
  }

  private static ByteBuf frame(ByteBufAllocator alloc, int firstByte, ByteBuf body) {
    try {
      int length = body.readableBytes();
      ByteBuf out = alloc.buffer(1 + varIntSize(length) + length);
      out.writeByte(firstByte);
      writeVarInt(out, length);
      return out.writeBytes(body);
    } finally {
      body.release();
    }
  }
}
