package io.openegiz.flux.broker.it;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * An MQTT client written byte by byte, for the tests where a client library would hide the wire:
 * packets are encoded here by hand (not with the broker's codec) and every packet the broker sends is
 * parsed here and queued by a reader thread.
 */
final class WireClient implements AutoCloseable {
  static final int CONNACK = 2, PUBLISH = 3, PUBACK = 4, PUBREC = 5, PUBREL = 6, PUBCOMP = 7, SUBACK = 9,
      UNSUBACK = 11, PINGRESP = 13, DISCONNECT = 14;
  /** Type of the pseudo packet queued when the broker closes the connection. */
  static final int CLOSED = -1;

  /** MQTT 5 property identifiers used by the tests. */
  static final int PFI = 0x01, MESSAGE_EXPIRY = 0x02, CONTENT_TYPE = 0x03, RESPONSE_TOPIC = 0x08,
      CORRELATION_DATA = 0x09, SUBSCRIPTION_ID = 0x0B, SESSION_EXPIRY = 0x11, REASON_STRING = 0x1F,
      RECEIVE_MAXIMUM = 0x21, TOPIC_ALIAS_MAXIMUM = 0x22, TOPIC_ALIAS = 0x23, USER_PROPERTY = 0x26,
      MAXIMUM_PACKET_SIZE = 0x27;

  private final Socket socket;
  private final OutputStream out;
  private final boolean v5;
  private final BlockingQueue<Packet> received = new LinkedBlockingQueue<>();
  private final Thread reader;
  private Packet connack;

  /** One decoded property: id and value (Integer, Long, String, byte[] or String[2]). */
  record Prop(int id, Object value) {}

  /** One packet as received. */
  record Packet(int type, int flags, byte[] body, boolean v5) {
    int qos() { return (flags >> 1) & 3; }
    boolean retain() { return (flags & 1) != 0; }
    boolean dup() { return (flags & 8) != 0; }

    /** Packet id of PUBACK/PUBREC/PUBREL/PUBCOMP/SUBACK/UNSUBACK. */
    int ackId() {
      return ((body[0] & 0xFF) << 8) | (body[1] & 0xFF);
    }

    /** Reason code of an MQTT 5 ack (0 when omitted) or DISCONNECT, or CONNACK return code. */
    int reasonCode() {
      if (type == CONNACK) return body[1] & 0xFF;
      if (type == DISCONNECT) return body.length == 0 ? 0 : body[0] & 0xFF;
      if (type == SUBACK) return body[body.length - 1] & 0xFF;
      return body.length > 2 ? body[2] & 0xFF : 0;
    }

    /** SUBACK codes after the properties. */
    List<Integer> subackCodes() {
      Reader r = new Reader(body);
      r.u16();
      if (v5) r.props();
      List<Integer> codes = new ArrayList<>();
      while (r.pos < body.length) codes.add(r.u8());
      return codes;
    }

    String topic() { return new Reader(body).str(); }

    int publishId() {
      Reader r = new Reader(body);
      r.str();
      return qos() > 0 ? r.u16() : 0;
    }

    List<Prop> properties() {
      Reader r = new Reader(body);
      if (type == PUBLISH) {
        r.str();
        if (qos() > 0) r.u16();
      } else if (type == CONNACK) {
        r.u8();
        r.u8();
      } else if (type == DISCONNECT) {
        if (body.length < 2) return List.of();
        r.u8();
      } else {
        throw new IllegalStateException("properties of packet type " + type);
      }
      return r.props();
    }

    byte[] payload() {
      Reader r = new Reader(body);
      r.str();
      if (qos() > 0) r.u16();
      if (v5) r.props();
      byte[] p = new byte[body.length - r.pos];
      System.arraycopy(body, r.pos, p, 0, p.length);
      return p;
    }

    String payloadString() { return new String(payload(), StandardCharsets.UTF_8); }

    /** All values of one property, in order. */
    List<Object> property(int id) {
      List<Object> values = new ArrayList<>();
      for (Prop p : properties()) if (p.id() == id) values.add(p.value());
      return values;
    }

    @Override
    public String toString() {
      return "Packet[type=" + type + ", flags=" + flags + ", " + body.length + " bytes]";
    }
  }

  private WireClient(Socket socket, boolean v5) throws IOException {
    this.socket = socket;
    this.v5 = v5;
    this.out = socket.getOutputStream();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    this.reader = new Thread(() -> readLoop(in), "raw-client-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** Connects with clean start, keep alive 60 s, and the given CONNECT properties (5.0 only). */
  static WireClient connect(TestBroker broker, String clientId, boolean v5, Props connectProps) throws IOException {
    return connect(broker, clientId, v5, true, connectProps);
  }

  static WireClient connect(TestBroker broker, String clientId, boolean v5, boolean cleanStart, Props connectProps)
      throws IOException {
    Socket s = new Socket(broker.host(), broker.port());
    s.setTcpNoDelay(true);
    WireClient c = new WireClient(s, v5);
    Buf b = new Buf().str("MQTT").u8(v5 ? 5 : 4).u8(cleanStart ? 0x02 : 0x00).u16(60);
    if (v5) b.props(connectProps == null ? new Props() : connectProps);
    b.str(clientId);
    c.send(packet(0x10, b));
    c.connack = c.expect(CONNACK);
    if (c.connack.reasonCode() != 0) {
      throw new IllegalStateException("CONNECT refused: " + c.connack.reasonCode());
    }
    return c;
  }

  Packet connack() { return connack; }

  private void readLoop(DataInputStream in) {
    try {
      while (true) {
        int first = in.read();
        if (first < 0) break;
        int len = 0;
        int mul = 1;
        int digit;
        do {
          digit = in.readUnsignedByte();
          len += (digit & 0x7F) * mul;
          mul *= 128;
        } while ((digit & 0x80) != 0);
        byte[] body = new byte[len];
        in.readFully(body);
        received.add(new Packet(first >> 4, first & 0x0F, body, v5));
      }
    } catch (EOFException e) {
      // closed by the broker
    } catch (IOException e) {
      // closed
    }
    received.add(new Packet(CLOSED, 0, new byte[0], v5));
  }

  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** The next packet, or null when none came within the timeout. */
  Packet poll(Duration timeout) {
    try {
      return received.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The next packet, which must be of this type, within 5 s. */
  Packet expect(int type) {
    Packet p = poll(Duration.ofSeconds(5));
    if (p == null) throw new AssertionError("no packet of type " + type + " within 5 s");
    if (p.type() != type)
      throw new AssertionError("expected packet type " + type + " but got " + p.type()
          + (p.type() == DISCONNECT ? " reason 0x" + Integer.toHexString(p.reasonCode()) : ""));
    return p;
  }

  /** Packets received so far and not yet taken. */
  List<Packet> drainReceived() {
    List<Packet> l = new ArrayList<>();
    received.drainTo(l);
    return l;
  }

  boolean isClosed() {
    return received.stream().anyMatch(p -> p.type() == CLOSED);
  }

  // ---- packets --------------------------------------------------------------------------------

  void subscribe(int packetId, String filter, int options, Props props) throws IOException {
    Buf b = new Buf().u16(packetId);
    if (v5) b.props(props == null ? new Props() : props);
    b.str(filter).u8(options);
    send(packet(0x82, b));
    Packet ack = expect(SUBACK);
    if (ack.ackId() != packetId || ack.reasonCode() >= 0x80) {
      throw new AssertionError("SUBACK " + ack.ackId() + " code " + ack.reasonCode());
    }
  }

  void publish(String topic, int qos, boolean retain, boolean dup, int packetId, Props props, byte[] payload)
      throws IOException {
    Buf b = new Buf().str(topic);
    if (qos > 0) b.u16(packetId);
    if (v5) b.props(props == null ? new Props() : props);
    b.bytes(payload);
    send(packet(0x30 | (dup ? 8 : 0) | (qos << 1) | (retain ? 1 : 0), b));
  }

  void puback(int id) throws IOException { send(new byte[] {0x40, 2, (byte) (id >> 8), (byte) id}); }
  void pubrec(int id) throws IOException { send(new byte[] {0x50, 2, (byte) (id >> 8), (byte) id}); }
  void pubrel(int id) throws IOException { send(new byte[] {0x62, 2, (byte) (id >> 8), (byte) id}); }
  void pubcomp(int id) throws IOException { send(new byte[] {0x70, 2, (byte) (id >> 8), (byte) id}); }

  void disconnect() throws IOException {
    send(new byte[] {(byte) 0xE0, 0});
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  // ---- encoding -------------------------------------------------------------------------------

  static byte[] packet(int firstByte, Buf body) {
    byte[] b = body.toByteArray();
    Buf p = new Buf().u8(firstByte).varInt(b.length).bytes(b);
    return p.toByteArray();
  }

  /** MQTT 5 properties to encode, in the order added. */
  static final class Props {
    private final Buf buf = new Buf();

    Props u8(int id, int v) { buf.varInt(id).u8(v); return this; }
    Props u16(int id, int v) { buf.varInt(id).u16(v); return this; }
    Props u32(int id, long v) { buf.varInt(id).u32(v); return this; }
    Props varInt(int id, int v) { buf.varInt(id).varInt(v); return this; }
    Props str(int id, String v) { buf.varInt(id).str(v); return this; }
    Props bin(int id, byte[] v) { buf.varInt(id).u16(v.length).bytes(v); return this; }
    Props user(String k, String v) { buf.varInt(USER_PROPERTY).str(k).str(v); return this; }
  }

  static final class Buf {
    private final ByteArrayOutputStream o = new ByteArrayOutputStream();

    Buf u8(int v) { o.write(v); return this; }
    Buf u16(int v) { o.write(v >> 8); o.write(v); return this; }
    Buf u32(long v) { u16((int) (v >> 16) & 0xFFFF); return u16((int) v & 0xFFFF); }
    Buf bytes(byte[] b) { o.writeBytes(b); return this; }
    Buf str(String s) { byte[] b = s.getBytes(StandardCharsets.UTF_8); u16(b.length); return bytes(b); }
    Buf varInt(int v) {
      do {
        int d = v % 128;
        v /= 128;
        o.write(v > 0 ? d | 0x80 : d);
      } while (v > 0);
      return this;
    }
    Buf props(Props p) { byte[] b = p.buf.toByteArray(); varInt(b.length); return bytes(b); }
    byte[] toByteArray() { return o.toByteArray(); }
  }

  // ---- decoding -------------------------------------------------------------------------------

  static final class Reader {
    final byte[] b;
    int pos;

    Reader(byte[] b) { this.b = b; }

    int u8() { return b[pos++] & 0xFF; }
    int u16() { return (u8() << 8) | u8(); }
    long u32() { return ((long) u16() << 16) | u16(); }
    int varInt() {
      int v = 0, mul = 1, d;
      do { d = u8(); v += (d & 0x7F) * mul; mul *= 128; } while ((d & 0x80) != 0);
      return v;
    }
    String str() { int n = u16(); String s = new String(b, pos, n, StandardCharsets.UTF_8); pos += n; return s; }
    byte[] bin() { int n = u16(); byte[] r = new byte[n]; System.arraycopy(b, pos, r, 0, n); pos += n; return r; }

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
