package io.openegiz.flux.broker.it;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level MQTT client on a plain {@link Socket}, for tests that need to send what a well-behaved
 * client library never would (or to withhold acknowledgements). The packet builders encode exactly
 * the MQTT 3.1.1 / 5.0 wire format; the byte-level tests in {@link MalformedInputIT} spell their
 * bytes out by hand instead.
 */
final class RawClient implements AutoCloseable {
  /** MQTT control packet types (first nibble of the fixed header). */
  static final int CONNECT = 1, CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7,
      SUBSCRIBE = 8, SUBACK = 9, PINGRESP = 13, DISCONNECT = 14, AUTH = 15;

  /** One packet read from the broker: fixed header type and flags, and the bytes after the remaining length. */
  record Packet(int type, int flags, byte[] body) {
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

    /** CONNACK: byte 0 is the acknowledge flags (bit 0 session present), byte 1 the return/reason code. */
    boolean sessionPresent() {
      return (u8(0) & 0x01) != 0;
    }

    int connackCode() {
      return u8(1);
    }

    /** MQTT 5 DISCONNECT reason code; an empty body means 0x00 (normal disconnection). */
    int disconnectReason() {
      return body.length == 0 ? 0 : u8(0);
    }

    /** PUBLISH topic (the first UTF-8 string of the variable header). */
    String publishTopic() {
      return new String(body, 2, u16(0), StandardCharsets.UTF_8);
    }

    /** PUBLISH packet id (QoS 1/2 only): right after the topic. */
    int publishPacketId() {
      return u16(2 + u16(0));
    }

    /** PUBLISH payload; {@code v5} says whether a property block sits between packet id and payload. */
    byte[] publishPayload(boolean v5) {
      int i = 2 + u16(0) + (qos() > 0 ? 2 : 0);
      if (v5) {
        int[] vbi = readVarInt(body, i);
        i += vbi[1] + vbi[0];
      }
      return Arrays.copyOfRange(body, i, body.length);
    }

    /**
     * The MQTT 5 property block starting at {@code offset} of the body (at its length), by property
     * id: Integer for byte/two-byte/four-byte/variable integers, String for strings, byte[] for binary.
     */
    java.util.Map<Integer, Object> properties(int offset) {
      java.util.Map<Integer, Object> m = new java.util.HashMap<>();
      int[] len = readVarInt(body, offset);
      int i = offset + len[1];
      int end = i + len[0];
      while (i < end) {
        int id = u8(i++);
        switch (id) {
          case 0x01, 0x17, 0x19, 0x24, 0x25, 0x28, 0x29, 0x2A -> m.put(id, u8(i++)); // byte
          case 0x13, 0x21, 0x22, 0x23 -> {
            m.put(id, u16(i));
            i += 2;
          } // two-byte integer
          case 0x02, 0x11, 0x18, 0x27 -> {
            m.put(id, (u16(i) << 16) | u16(i + 2));
            i += 4;
          } // four-byte
          case 0x0B -> {
            int[] v = readVarInt(body, i);
            m.put(id, v[0]);
            i += v[1];
          } // variable byte integer
          case 0x03, 0x08, 0x12, 0x15, 0x1A, 0x1C, 0x1F -> { // UTF-8 string
            m.put(id, new String(body, i + 2, u16(i), StandardCharsets.UTF_8));
            i += 2 + u16(i);
          }
          case 0x09, 0x16 -> {
            m.put(id, Arrays.copyOfRange(body, i + 2, i + 2 + u16(i)));
            i += 2 + u16(i);
          }
          case 0x26 -> {
            i += 2 + u16(i);
            i += 2 + u16(i);
          } // user property: skipped
          default -> throw new AssertionError("unknown property 0x" + Integer.toHexString(id) + " in " + this);
        }
      }
      return m;
    }

    @Override
    public String toString() {
      return "Packet[type=" + type + ", flags=0x" + Integer.toHexString(flags) + ", body=" + hex(body) + "]";
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Opens a TCP connection to the broker; nothing is sent. Reads time out after 5 s. */
  static RawClient open(int port) throws IOException {
    return new RawClient(new Socket("127.0.0.1", port));
  }

  static RawClient open(TestBroker broker) throws IOException {
    Socket s = new Socket(broker.host(), broker.port());
    s.setSoTimeout(5_000);
    s.setTcpNoDelay(true);
    return new RawClient(s);
  }

  // ---- sending --------------------------------------------------------------------------------

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends bytes given as ints (so tests can write 0xC0 without casts). */
  void send(int... bytes) throws IOException {
    byte[] b = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      b[i] = (byte) bytes[i];
    }
    send(b);
  }

  // ---- receiving ------------------------------------------------------------------------------

  /** Reads one whole packet, failing after 5 s or if the broker closed the connection. */
  Packet read() throws IOException {
    int b0 = in.read();
    if (b0 < 0) {
      throw new EOFException("connection closed by the broker");
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
    return new Packet(b0 >> 4, b0 & 0x0F, body);
  }

  /** Reads packets until one of {@code type} arrives (others are skipped). */
  Packet read(int type) throws IOException {
    while (true) {
      Packet p = read();
      if (p.type() == type) {
        return p;
      }
    }
  }

  /**
   * Waits until the broker closes the connection, and returns every packet it sent before that.
   * Fails if the connection is still open after {@code within}.
   */
  List<Packet> awaitClose(Duration within) throws IOException {
    List<Packet> seen = new ArrayList<>();
    long deadline = System.nanoTime() + within.toNanos();
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new AssertionError("connection still open after " + within + "; packets seen: " + seen);
      }
      socket.setSoTimeout((int) left);
      try {
        seen.add(read());
      } catch (EOFException | SocketException e) {
        return seen; // EOF, or a reset because the broker closed with unread input
      } catch (SocketTimeoutException e) {
        throw new AssertionError("connection still open after " + within + "; packets seen: " + seen);
      } finally {
        if (!socket.isClosed()) {
          socket.setSoTimeout(5_000);
        }
      }
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
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
  static byte[] subscribe(int packetId, String filter, int qos, boolean v5) {
    Bytes b = new Bytes().u16(packetId);
    if (v5) {
      b.u8(0);
    }
    return packet((SUBSCRIBE << 4) | 0x02, b.str(filter).u8(qos).toArray());
  }

  /** PUBLISH; {@code packetId} is ignored for QoS 0; MQTT 5 adds an empty property block. */
  static byte[] publish(String topic, int qos, int packetId, byte[] payload, boolean v5) {
    Bytes b = new Bytes().str(topic);
    if (qos > 0) {
      b.u16(packetId);
    }
    if (v5) {
      b.u8(0);
    }
    return packet((PUBLISH << 4) | (qos << 1), b.raw(payload).toArray());
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
    Bytes b = new Bytes().u8(firstByte).varInt(body.length).raw(body);
    return b.toArray();
  }

  /** A variable byte integer at {@code i}: {value, bytes used}. */
  static int[] readVarInt(byte[] b, int i) {
    int value = 0;
    int mul = 1;
    int n = 0;
    int d;
    do {
      d = b[i + n] & 0xFF;
      value += (d & 0x7F) * mul;
      mul *= 128;
      n++;
    } while ((d & 0x80) != 0);
    return new int[] {value, n};
  }

  static String hex(byte[] b) {
    StringBuilder s = new StringBuilder();
    for (byte x : b) {
      s.append(String.format("%02X ", x & 0xFF));
    }
    return s.toString().trim();
  }

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

    /** A property block: its length as a variable byte integer, then the properties. */
    Bytes props(byte[] p) {
      byte[] v = p == null ? new byte[0] : p;
      return varInt(v.length).raw(v);
    }

    byte[] toArray() {
      return b.toByteArray();
    }
  }
}
