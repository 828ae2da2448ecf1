package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MqttWire.CONNACK;
import static io.openegiz.flux.broker.it.MqttWire.DISCONNECT;
import static io.openegiz.flux.broker.it.MqttWire.PUBLISH;
import static io.openegiz.flux.broker.it.MqttWire.SUBACK;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One packet the broker sent to a byte-level test client, decoded by hand: fixed header type and flags,
 * the bytes after the remaining length, and accessors for the fields the tests look at.
 *
 * @param v5 whether the connection speaks MQTT 5, or null when the client does not know (a {@link RawClient}
 *     sends whatever bytes a test gives it); the accessors that depend on it then need it passed in
 */
record MqttPacket(int type, int flags, byte[] body, Boolean v5) {
  /** One decoded property: id and value (Integer, Long, String, byte[] or String[2]). */
  record Prop(int id, Object value) {}

  /** Byte {@code i} of the body as 0..255. */
  int u8(int i) {
    return body[i] & 0xFF;
  }

  /** The two-byte big-endian integer at {@code i}. */
  int u16(int i) {
    return (u8(i) << 8) | u8(i + 1);
  }

  boolean dup() {
    return (flags & 0x08) != 0;
  }

  int qos() {
    return (flags >> 1) & 0x03;
  }

  boolean retain() {
    return (flags & 0x01) != 0;
  }

  /** CONNACK: byte 0 is the acknowledge flags, bit 0 of it session present. */
  boolean sessionPresent() {
    return (u8(0) & 0x01) != 0;
  }

  /** Packet id of PUBACK/PUBREC/PUBREL/PUBCOMP/SUBACK/UNSUBACK. */
  int ackId() {
    return u16(0);
  }

  /**
   * CONNACK return/reason code; DISCONNECT reason code (an empty body means 0x00, normal disconnection);
   * the last SUBACK code; or an MQTT 5 ack's reason code (0 when omitted).
   */
  int reasonCode() {
    if (type == CONNACK) {
      return u8(1);
    }
    if (type == DISCONNECT) {
      return body.length == 0 ? 0 : u8(0);
    }
    if (type == SUBACK) {
      return u8(body.length - 1);
    }
    return body.length > 2 ? u8(2) : 0;
  }

  /** SUBACK codes after the packet id and (MQTT 5) the properties. */
  List<Integer> subackCodes() {
    Reader r = new Reader(body);
    r.u16();
    if (isV5()) {
      r.props();
    }
    List<Integer> codes = new ArrayList<>();
    while (r.pos < body.length) {
      codes.add(r.u8());
    }
    return codes;
  }

  /** PUBLISH topic (the first UTF-8 string of the variable header). */
  String topic() {
    return new Reader(body).str();
  }

  /** PUBLISH packet id: right after the topic, and 0 for QoS 0, which has none. */
  int publishId() {
    Reader r = new Reader(body);
    r.str();
    return qos() > 0 ? r.u16() : 0;
  }

  /** PUBLISH payload, on a connection whose protocol version the client knows. */
  byte[] payload() {
    return payload(isV5());
  }

  /** PUBLISH payload; {@code v5} says whether a property block sits between packet id and payload. */
  byte[] payload(boolean v5) {
    Reader r = new Reader(body);
    r.str();
    if (qos() > 0) {
      r.u16();
    }
    if (v5) {
      r.props();
    }
    return Arrays.copyOfRange(body, r.pos, body.length);
  }

  String payloadString() {
    return new String(payload(), StandardCharsets.UTF_8);
  }

  /** The MQTT 5 properties of a PUBLISH, CONNACK or DISCONNECT, in order. */
  List<Prop> properties() {
    Reader r = new Reader(body);
    if (type == PUBLISH) {
      r.str();
      if (qos() > 0) {
        r.u16();
      }
    } else if (type == CONNACK) {
      r.u8();
      r.u8();
    } else if (type == DISCONNECT) {
      if (body.length < 2) {
        return List.of();
      }
      r.u8();
    } else {
      throw new IllegalStateException("properties of packet type " + type);
    }
    return r.props();
  }

  /** All values of one property, in order. */
  List<Object> property(int id) {
    List<Object> values = new ArrayList<>();
    for (Prop p : properties()) {
      if (p.id() == id) {
        values.add(p.value());
      }
    }
    return values;
  }

  /** The properties by id, for properties that occur once; user properties are left out. */
  Map<Integer, Object> propertyMap() {
    Map<Integer, Object> m = new HashMap<>();
    for (Prop p : properties()) {
      if (p.id() != MqttWire.USER_PROPERTY) {
        m.put(p.id(), p.value());
      }
    }
    return m;
  }

  private boolean isV5() {
    if (v5 == null) {
      throw new IllegalStateException("protocol version unknown to this client: pass it explicitly");
    }
    return v5;
  }

  @Override
  public String toString() {
    return "Packet[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", body=" + MqttWire.hex(body) + "]";
  }

  /** A cursor over a packet body that decodes MQTT data types. */
  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    int u8() {
      return b[pos++] & 0xFF;
    }

    int u16() {
      return (u8() << 8) | u8();
    }

    long u32() {
      return ((long) u16() << 16) | u16();
    }

    int varInt() {
      int v = 0;
      int mul = 1;
      int d;
      do {
        d = u8();
        v += (d & 0x7F) * mul;
        mul *= 128;
      } while ((d & 0x80) != 0);
      return v;
    }

    String str() {
      return new String(bin(), StandardCharsets.UTF_8);
    }

    byte[] bin() {
      int n = u16();
      byte[] r = Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return r;
    }

    /** A property block: its length, then id/value pairs, each value typed as MQTT 5 section 2.2.2.2 says. */
    List<Prop> props() {
      int len = varInt();
      int end = pos + len;
      List<Prop> l = new ArrayList<>();
      while (pos < end) {
        int id = varInt();
        Object v = switch (id) {
          case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> u8();
          case 0x13, 0x21, 0x22, 0x23 -> u16();
          case 0x02, 0x11, 0x18, 0x27 -> u32();
          case 0x0B -> varInt();
          case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> str();
          case 0x09, 0x16 -> bin();
          case 0x26 -> new String[] {str(), str()};
          default -> throw new IllegalStateException("unknown property 0x" + Integer.toHexString(id));
        };
        l.add(new Prop(id, v));
      }
      return l;
    }
  }
}
