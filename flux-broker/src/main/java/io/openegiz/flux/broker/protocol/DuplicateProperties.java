package io.openegiz.flux.broker.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Finds an MQTT 5 property that a packet holds twice where the specification allows it once (every
 * property but the User Property; "It is a Protocol Error to include ... more than once"). Netty's codec
 * keeps one value per property identifier, so the duplicate must be found in the packet's bytes before
 * the codec decodes it. Anything malformed is left to the codec: the scan then just stops.
 */
final class DuplicateProperties {
  private static final int USER_PROPERTY = 0x26;

  private DuplicateProperties() {}

  /**
   * The identifier of the first property the packet repeats, or -1.
   *
   * @param packet one whole MQTT 5 packet, fixed header included; its indexes are left unchanged
   */
  static int find(ByteBuf packet) {
    Cursor c = new Cursor(packet);
    int first = c.u8();
    c.varInt(); // remaining length
    int remaining = packet.writerIndex() - c.at;
    return switch (first >> 4) {
      case 1 -> connect(c);
      case 3 -> { // PUBLISH: topic, packet id when QoS > 0, properties
        c.skipString();
        if ((first & 0x06) != 0) {
          c.skip(2);
        }
        yield c.properties();
      }
      case 4, 5, 6, 7 -> remaining > 3 ? c.skip(3).properties() : -1; // id, reason code, properties
      case 8, 10 -> c.skip(2).properties(); // SUBSCRIBE, UNSUBSCRIBE: id, properties
      case 14, 15 -> remaining > 1 ? c.skip(1).properties() : -1; // DISCONNECT, AUTH: reason code, properties
      default -> -1;
    };
  }

  /** CONNECT: the CONNECT properties, then the will properties. */
  private static int connect(Cursor c) {
    c.skipString(); // protocol name
    c.skip(1); // protocol level: this is an MQTT 5 packet
    int flags = c.u8();
    c.skip(2); // keep alive
    int found = c.properties();
    if (found >= 0 || (flags & 0x04) == 0) {
      return found;
    }
    c.skipString(); // client identifier
    return c.properties(); // will properties
  }

  /** Reads a packet without moving its indexes; a read past its end ends the scan (returns -1). */
  private static final class Cursor {
    private final ByteBuf b;
    private int at;

    Cursor(ByteBuf b) {
      this.b = b;
      this.at = b.readerIndex();
    }

    private boolean has(int n) {
      return at >= 0 && n >= 0 && at + n <= b.writerIndex();
    }

    int u8() {
      if (!has(1)) {
        at = -1;
        return 0;
      }
      return b.getUnsignedByte(at++);
    }

    Cursor skip(int n) {
      at = has(n) ? at + n : -1;
      return this;
    }

    int varInt() {
      int value = 0;
      for (int i = 0; i < 4; i++) {
        int digit = u8();
        value |= (digit & 0x7F) << (7 * i);
        if ((digit & 0x80) == 0) {
          return value;
        }
      }
      at = -1;
      return 0;
    }

    void skipString() {
      int length = u8() << 8 | u8();
      skip(length);
    }

    /** Scans a property block; the identifier of the first repeated property, or -1. */
    int properties() {
      int length = varInt();
      if (at < 0 || !has(length)) {
        return -1;
      }
      int end = at + length;
      long seen = 0; // property identifiers are below 64
      while (at >= 0 && at < end) {
        int id = varInt();
        if (at < 0 || id >= 64) {
          return -1;
        }
        if (id != USER_PROPERTY && (seen & 1L << id) != 0) {
          return id;
        }
        seen |= 1L << id;
        if (!skipValue(id)) {
          return -1;
        }
      }
      return -1;
    }

    /** Skips a property's value; false for an unknown identifier (the codec refuses those). */
    private boolean skipValue(int id) {
      switch (id) {
        case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> skip(1);
        case 0x13, 0x21, 0x22, 0x23 -> skip(2);
        case 0x02, 0x11, 0x18, 0x27 -> skip(4);
        case 0x0B -> varInt();
        case 0x03, 0x08, 0x09, 0x12, 0x15, 0x16, 0x1A, 0x1C, 0x1F -> skipString(); // strings and binary data
        case USER_PROPERTY -> {
          skipString();
          skipString();
        }
        default -> {
          return false;
        }
      }
      return true;
    }
  }
}
