package io.openegiz.flux.broker.it;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates what one hostile or broken client sends on one connection: a CONNECT and the packets
 * pipelined behind it, mostly well-formed, then mutated (bit flips, truncations, lengths that overrun
 * their packet, broken remaining lengths, inserted garbage), with duplicated properties and bad UTF-8
 * built in. Everything comes from the {@link Random} given, so a case is replayed from its seed.
 */
final class MqttFuzzer {
  /** Client ids the cases share, so that they also take over each other's sessions. */
  private static final String[] CLIENT_IDS = {"fz1", "fz2", "fz3", ""};
  private static final String[] TOPICS = {"a", "a/b", "fz/t", "fz/+", "fz/#", "#", "+/+", "$SYS/x", "/", "a//b",
      "fz/" + "x".repeat(300), ""};
  /** Byte strings that are not valid MQTT UTF-8: overlong NUL, a surrogate, 0xFF, NUL, past U+10FFFF, cut short. */
  private static final byte[][] BAD_UTF8 = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {'a', (byte) 0xFF}, {'a', 0, 'b'}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {'a', (byte) 0xE2,
          (byte) 0x82}};

  private final Random r;
  private boolean v5;

  MqttFuzzer(Random r) {
    this.r = r;
  }

  /** The bytes of one connection: CONNECT and up to six packets behind it, then perhaps mutated. */
  byte[] connection() {
    v5 = r.nextBoolean();
    List<byte[]> packets = new ArrayList<>();
    packets.add(connect());
    for (int n = r.nextInt(7); n > 0; n--) {
      packets.add(packet());
    }
    int target = r.nextInt(packets.size());
    switch (r.nextInt(8)) {
      case 0, 1 -> {
      } // well-formed (as far as the generator goes): pipelined packets must work
      case 2 -> flipBits(packets.get(target));
      case 3 -> packets.set(target, truncate(packets.get(target)));
      case 4 -> overrun(packets.get(target));
      case 5 -> packets.set(target, relength(packets.get(target)));
      case 6 -> packets.add(target + 1, garbage());
      default -> {
        flipBits(packets.get(target));
        packets.set(packets.size() - 1, truncate(packets.get(packets.size() - 1)));
      }
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    packets.forEach(all::writeBytes);
    return all.toByteArray();
  }

  // ---- packets --------------------------------------------------------------------------------

  private byte[] connect() {
    boolean will = r.nextInt(3) == 0;
    boolean user = r.nextInt(3) == 0;
    boolean password = user && r.nextBoolean();
    int willQos = r.nextInt(r.nextInt(10) == 0 ? 4 : 3);
    int flags = (r.nextInt(4) != 0 ? 0x02 : 0) | (will ? 0x04 | willQos << 3 | (r.nextBoolean() ? 0x20 : 0) : 0)
        | (user ? 0x80 : 0) | (password ? 0x40 : 0) | (r.nextInt(20) == 0 ? 0x01 : 0);
    int level = r.nextInt(20) == 0 ? r.nextInt(8) : v5 ? 5 : 4;
    int[] keepAlives = {0, 1, 60, 65535};
    MqttWire.Bytes b = new MqttWire.Bytes().str(r.nextInt(20) == 0 ? "MQIsdp" : "MQTT").u8(level).u8(flags)
        .u16(keepAlives[r.nextInt(keepAlives.length)]);
    if (v5) {
      b.props(properties());
    }
    b.bin(string(CLIENT_IDS[r.nextInt(CLIENT_IDS.length)]));
    if (will) {
      if (v5) {
        b.props(properties());
      }
      b.bin(string(TOPICS[r.nextInt(TOPICS.length)])).bin(payload());
    }
    if (user) {
      b.bin(string("user"));
    }
    if (password) {
      b.bin(payload());
    }
    return MqttWire.packet(MqttWire.CONNECT << 4, b.toArray());
  }

  private byte[] packet() {
    int id = 1 + r.nextInt(r.nextBoolean() ? 3 : 65535);
    return switch (r.nextInt(12)) {
      case 0, 1, 2 -> publish(id);
      case 3 -> subscribe(id, MqttWire.SUBSCRIBE, 0x82);
      case 4 -> subscribe(id, 10, 0xA2); // UNSUBSCRIBE
      case 5 -> acknowledgement(id,
          new int[] {MqttWire.PUBACK, MqttWire.PUBREC, MqttWire.PUBREL, MqttWire.PUBCOMP}[r.nextInt(4)]);
      case 6 -> new byte[] {(byte) 0xC0, 0x00}; // PINGREQ
      case 7 -> reasonAndProperties(MqttWire.DISCONNECT << 4);
      case 8 -> reasonAndProperties(MqttWire.AUTH << 4);
      case 9 -> connect(); // a second CONNECT
      case 10 -> MqttWire.packet(r.nextBoolean() ? 0x00 : 0x20 | r.nextInt(16), payload()); // reserved type, CONNACK
      default -> MqttWire.packet(0x90, new MqttWire.Bytes().u16(id).u8(0).toArray()); // SUBACK: server only
    };
  }

  private byte[] publish(int id) {
    int qos = r.nextInt(20) == 0 ? 3 : r.nextInt(3);
    int flags = qos << 1 | (r.nextInt(4) == 0 ? 0x01 : 0) | (r.nextInt(8) == 0 ? 0x08 : 0);
    MqttWire.Bytes b = new MqttWire.Bytes().bin(string(TOPICS[r.nextInt(TOPICS.length)]));
    if (qos > 0) {
      b.u16(r.nextInt(30) == 0 ? 0 : id);
    }
    if (v5) {
      b.props(properties());
    }
    return MqttWire.packet(MqttWire.PUBLISH << 4 | flags, b.raw(payload()).toArray());
  }

  private byte[] subscribe(int id, int type, int firstByte) {
    MqttWire.Bytes b = new MqttWire.Bytes().u16(id);
    if (v5) {
      b.props(properties());
    }
    for (int n = r.nextInt(4); n > 0; n--) {
      b.bin(string(TOPICS[r.nextInt(TOPICS.length)]));
      if (type == MqttWire.SUBSCRIBE) {
        b.u8(r.nextInt(10) == 0 ? r.nextInt(256) : r.nextInt(3) | (v5 ? r.nextInt(8) << 2 : 0));
      }
    }
    return MqttWire.packet(firstByte, b.toArray());
  }

  private byte[] acknowledgement(int id, int type) {
    MqttWire.Bytes b = new MqttWire.Bytes().u16(id);
    if (v5 && r.nextBoolean()) {
      b.u8(r.nextBoolean() ? 0 : r.nextInt(256)).props(properties());
    }
    return MqttWire.packet(type << 4 | (type == MqttWire.PUBREL ? 0x02 : 0), b.toArray());
  }

  private byte[] reasonAndProperties(int firstByte) {
    MqttWire.Bytes b = new MqttWire.Bytes();
    if (v5 && r.nextBoolean()) {
      b.u8(r.nextBoolean() ? 0 : r.nextInt(256)).props(properties());
    }
    return MqttWire.packet(firstByte, b.toArray());
  }

  /** A property block: properties valid or not for the packet, some repeated (an error where they may not be). */
  private byte[] properties() {
    MqttWire.Bytes b = new MqttWire.Bytes();
    for (int n = r.nextInt(4); n > 0; n--) {
      byte[] one = property();
      b.raw(one);
      if (r.nextInt(4) == 0) {
        b.raw(one); // duplicated
      }
    }
    return b.toArray();
  }

  private byte[] property() {
    MqttWire.Bytes b = new MqttWire.Bytes();
    int[] u32 = {0, 1, 60, 0x7FFFFFFF, 0xFFFFFFFF};
    int[] u16 = {0, 1, 10, 11, 65535};
    return switch (r.nextInt(16)) {
      case 0 -> b.u8(0x01).u8(r.nextInt(3)).toArray(); // payload format indicator
      case 1 -> b.u8(0x02).u32(u32[r.nextInt(u32.length)] & 0xFFFFFFFFL).toArray(); // message expiry
      case 2 -> b.u8(0x03).bin(string("text/plain")).toArray(); // content type
      case 3 -> b.u8(0x08).bin(string(TOPICS[r.nextInt(TOPICS.length)])).toArray(); // response topic
      case 4 -> b.u8(0x09).bin(payload()).toArray(); // correlation data
      case 5 -> b.u8(0x0B).varInt(r.nextInt(3) == 0 ? 0 : 1 + r.nextInt(268_435_455)).toArray(); // subscription id
      case 6 -> b.u8(0x11).u32(u32[r.nextInt(u32.length)] & 0xFFFFFFFFL).toArray(); // session expiry
      case 7 -> b.u8(0x21).u16(u16[r.nextInt(u16.length)]).toArray(); // receive maximum
      case 8 -> b.u8(0x22).u16(u16[r.nextInt(u16.length)]).toArray(); // topic alias maximum
      case 9 -> b.u8(0x23).u16(u16[r.nextInt(u16.length)]).toArray(); // topic alias
      case 10 -> b.u8(0x26).bin(string("k")).bin(string("v")).toArray(); // user property
      case 11 -> b.u8(0x27).u32(u32[r.nextInt(u32.length)] & 0xFFFFFFFFL).toArray(); // maximum packet size
      case 12 -> b.u8(0x17 + 2 * r.nextInt(2)).u8(r.nextInt(3)).toArray(); // request problem/response information
      case 13 -> b.u8(0x15).bin(string("SCRAM-SHA-1")).toArray(); // authentication method
      case 14 -> b.u8(0x18).u32(r.nextInt(3)).toArray(); // will delay interval
      default -> b.u8(r.nextBoolean() ? 0x7F : 0x00).u8(r.nextInt(256)).toArray(); // no such property
    };
  }

  /** The UTF-8 of {@code s}, or one time in twenty a string that is not valid MQTT UTF-8. */
  private byte[] string(String s) {
    return r.nextInt(20) == 0 ? BAD_UTF8[r.nextInt(BAD_UTF8.length)] : s.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] payload() {
    byte[] p = new byte[r.nextInt(20) == 0 ? 2_000 + r.nextInt(10_000) : r.nextInt(40)];
    r.nextBytes(p);
    return p;
  }

  // ---- mutations ------------------------------------------------------------------------------

  private void flipBits(byte[] p) {
    for (int n = 1 + r.nextInt(4); n > 0; n--) {
      p[r.nextInt(p.length)] ^= (byte) (1 << r.nextInt(8));
    }
  }

  private byte[] truncate(byte[] p) {
    byte[] cut = new byte[r.nextInt(p.length)];
    System.arraycopy(p, 0, cut, 0, cut.length);
    return cut;
  }

  /** Writes a two-byte length somewhere in the body that points past the packet's end. */
  private void overrun(byte[] p) {
    int body = headerLength(p);
    if (p.length - body < 2) {
      return;
    }
    int at = body + r.nextInt(p.length - body - 1);
    int length = p.length - at + 1 + r.nextInt(300);
    p[at] = (byte) (length >> 8);
    p[at + 1] = (byte) length;
  }

  /** The same body under another remaining length: shorter, longer, or a malformed five-byte one. */
  private byte[] relength(byte[] p) {
    int bodyAt = headerLength(p);
    int bodyLength = p.length - bodyAt;
    MqttWire.Bytes b = new MqttWire.Bytes().u8(p[0] & 0xFF);
    switch (r.nextInt(3)) {
      case 0 -> b.varInt(Math.max(0, bodyLength - 1 - r.nextInt(4)));
      case 1 -> b.varInt(bodyLength + 1 + r.nextInt(r.nextBoolean() ? 4 : 100_000));
      default -> b.raw(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F});
    }
    byte[] rest = new byte[bodyLength];
    System.arraycopy(p, bodyAt, rest, 0, bodyLength);
    return b.raw(rest).toArray();
  }

  private byte[] garbage() {
    byte[] g = new byte[1 + r.nextInt(30)];
    r.nextBytes(g);
    return g;
  }

  /** Bytes of the fixed header: the first byte and the remaining length's 1 to 4 bytes. */
  private static int headerLength(byte[] p) {
    int i = 1;
    while (i < p.length && i < 5 && (p[i] & 0x80) != 0) {
      i++;
    }
    return Math.min(i + 1, p.length);
  }
}
