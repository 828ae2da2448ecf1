package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The binary form of stored records. Each value starts with a record version byte, so a later Flux
 * can read what an earlier one wrote; a version it does not know is reported as corruption.
 */
final class RecordCodec {
  static final int VERSION = 1;

  private static final int HAS_FORMAT = 1;
  private static final int HAS_CONTENT_TYPE = 2;
  private static final int HAS_RESPONSE_TOPIC = 4;
  private static final int HAS_CORRELATION = 8;
  /** Queue entry flag: the message follows the entry (store format 2). */
  private static final int INLINE_MESSAGE = 8;

  private RecordCodec() {}

  /**
   * Value of a queue entry: the delivery flags, and the message itself when only this queue holds it
   * ({@code message} null: the message is stored once under its id, shared by several queues).
   */
  record QueueEntry(int qos, boolean retain, List<Integer> subscriptionIds, Message message) {
    QueueEntry(int qos, boolean retain, List<Integer> subscriptionIds) {
      this(qos, retain, subscriptionIds, null);
    }
  }

  /** Value of an in-flight marker. */
  record InflightState(int packetId, boolean released) {}

  static byte[] encodeMessage(Message m) {
    return write(sizeHint(m), out -> writeMessage(out, m));
  }

  /** Room for a message record without regrowing the buffer (done for every stored message). */
  private static int sizeHint(Message m) {
    return m == null ? 128 : 128 + m.payload().length + 3 * m.topic().length();
  }

  static Message decodeMessage(byte[] bytes) {
    return read(bytes, RecordCodec::readMessage);
  }

  static byte[] encodeSession(SessionRecord s) {
    return write(out -> {
      writeString(out, s.clientId());
      out.writeByte(s.protocolVersion());
      out.writeLong(s.expiryIntervalSeconds());
      out.writeLong(s.disconnectedAtMillis());
      out.writeInt(s.subscriptions().size());
      for (Subscription sub : s.subscriptions()) {
        writeString(out, sub.filter());
        writeNullableString(out, sub.shareGroup());
        out.writeByte(sub.qos() | (sub.noLocal() ? 4 : 0) | (sub.retainAsPublished() ? 8 : 0)
            | sub.retainHandling() << 4);
        out.writeInt(sub.subscriptionId());
      }
      writeNullableString(out, s.username());
    });
  }

  static SessionRecord decodeSession(byte[] bytes) {
    return read(bytes, in -> {
      String clientId = readString(in);
      int protocol = in.readUnsignedByte();
      long expiry = in.readLong();
      long disconnectedAt = in.readLong();
      int n = in.readInt();
      List<Subscription> subs = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        String filter = readString(in);
        String group = readNullableString(in);
        int flags = in.readUnsignedByte();
        int subscriptionId = in.readInt();
        subs.add(new Subscription(clientId, filter, group, flags & 3, (flags & 4) != 0, (flags & 8) != 0,
            flags >> 4 & 3, subscriptionId));
      }
      // The username came after the subscriptions from the start of format 1's release.
      String username = in.available() > 0 ? readNullableString(in) : null;
      return new SessionRecord(clientId, protocol, expiry, disconnectedAt, subs, username);
    });
  }

  static byte[] encodeQueueEntry(QueueEntry e) {
    return write(sizeHint(e.message()), out -> {
      out.writeByte(e.qos() | (e.retain() ? 4 : 0) | (e.message() != null ? INLINE_MESSAGE : 0));
      writeInts(out, e.subscriptionIds());
      if (e.message() != null) {
        writeMessage(out, e.message());
      }
    });
  }

  static QueueEntry decodeQueueEntry(byte[] bytes) {
    return read(bytes, in -> {
      int flags = in.readUnsignedByte();
      List<Integer> ids = readInts(in);
      return new QueueEntry(flags & 3, (flags & 4) != 0, ids, (flags & INLINE_MESSAGE) != 0 ? readMessage(in) : null);
    });
  }

  static byte[] encodeInflight(InflightState s) {
    return write(out -> {
      out.writeShort(s.packetId());
      out.writeBoolean(s.released());
    });
  }

  static InflightState decodeInflight(byte[] bytes) {
    return read(bytes, in -> new InflightState(in.readUnsignedShort(), in.readBoolean()));
  }

  static byte[] encodeWill(WillRecord w) {
    return write(out -> {
      writeString(out, w.clientId());
      out.writeLong(w.dueAtMillis());
      writeMessage(out, w.message());
    });
  }

  static WillRecord decodeWill(byte[] bytes) {
    return read(bytes, in -> {
      String clientId = readString(in);
      long dueAt = in.readLong();
      return new WillRecord(clientId, readMessage(in), dueAt);
    });
  }

  private static void writeMessage(DataOutputStream out, Message m) throws IOException {
    writeString(out, m.topic());
    out.writeInt(m.payload().length);
    out.write(m.payload());
    out.writeByte(m.qos() | (m.retain() ? 4 : 0));
    writeNullableString(out, m.publisherId());
    out.writeLong(m.expiresAtMillis());
    writeProperties(out, m.properties());
  }

  private static Message readMessage(DataInputStream in) throws IOException {
    String topic = readString(in);
    byte[] payload = new byte[in.readInt()];
    in.readFully(payload);
    int flags = in.readUnsignedByte();
    String publisher = readNullableString(in);
    long expiresAt = in.readLong();
    return new Message(topic, payload, flags & 3, (flags & 4) != 0, publisher, expiresAt, readProperties(in));
  }

  private static void writeProperties(DataOutputStream out, Message.Properties p) throws IOException {
    int flags = (p.payloadFormat() != null ? HAS_FORMAT : 0) | (p.contentType() != null ? HAS_CONTENT_TYPE : 0)
        | (p.responseTopic() != null ? HAS_RESPONSE_TOPIC : 0) | (p.correlationData() != null ? HAS_CORRELATION : 0);
    out.writeByte(flags);
    if (p.payloadFormat() != null) out.writeByte(p.payloadFormat());
    if (p.contentType() != null) writeString(out, p.contentType());
    if (p.responseTopic() != null) writeString(out, p.responseTopic());
    if (p.correlationData() != null) {
      out.writeInt(p.correlationData().length);
      out.write(p.correlationData());
    }
    out.writeInt(p.userProperties().size());
    for (Message.UserProperty u : p.userProperties()) {
      writeString(out, u.key());
      writeString(out, u.value());
    }
  }

  private static Message.Properties readProperties(DataInputStream in) throws IOException {
    int flags = in.readUnsignedByte();
    Integer format = (flags & HAS_FORMAT) != 0 ? in.readUnsignedByte() : null;
    String contentType = (flags & HAS_CONTENT_TYPE) != 0 ? readString(in) : null;
    String responseTopic = (flags & HAS_RESPONSE_TOPIC) != 0 ? readString(in) : null;
    byte[] correlation = null;
    if ((flags & HAS_CORRELATION) != 0) {
      correlation = new byte[in.readInt()];
      in.readFully(correlation);
    }
    int n = in.readInt();
    List<Message.UserProperty> users = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      users.add(new Message.UserProperty(readString(in), readString(in)));
    }
    if (flags == 0 && n == 0) {
      return Message.Properties.NONE; // one shared instance, as the protocol layer uses
    }
    return new Message.Properties(format, contentType, responseTopic, correlation, users);
  }

  private static void writeInts(DataOutputStream out, List<Integer> values) throws IOException {
    out.writeShort(values.size());
    for (int v : values) out.writeInt(v);
  }

  private static List<Integer> readInts(DataInputStream in) throws IOException {
    int n = in.readUnsignedShort();
    List<Integer> values = new ArrayList<>(n);
    for (int i = 0; i < n; i++) values.add(in.readInt());
    return values;
  }

  // Length-prefixed UTF-8 rather than writeUTF: a topic may take up to 65,535 bytes of real UTF-8.
  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static void writeNullableString(DataOutputStream out, String s) throws IOException {
    out.writeBoolean(s != null);
    if (s != null) writeString(out, s);
  }

  private static String readNullableString(DataInputStream in) throws IOException {
    return in.readBoolean() ? readString(in) : null;
  }

  private interface Writer {
    void write(DataOutputStream out) throws IOException;
  }

  private interface Reader<T> {
    T read(DataInputStream in) throws IOException;
  }

  private static byte[] write(Writer w) {
    return write(128, w);
  }

  private static byte[] write(int sizeHint, Writer w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // cannot happen in memory
    }
    return bytes.toByteArray();
  }

  private static <T> T read(byte[] bytes, Reader<T> r) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new StoreFormatException("record of unknown version " + version + " (this Flux reads " + VERSION + ")");
      }
      T value = r.read(in);
      if (in.available() != 0) {
        throw new StoreFormatException("record has " + in.available() + " trailing bytes");
      }
      return value;
    } catch (IOException e) {
      throw new StoreFormatException("truncated record", e);
    }
  }
}
