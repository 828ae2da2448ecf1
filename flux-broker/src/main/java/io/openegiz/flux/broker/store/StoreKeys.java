package io.openegiz.flux.broker.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Key layout: one tag byte per record kind, then the client id with a two-byte length (so one
 * client's keys form a prefix no other client id can extend), then a big-endian id, so that an
 * ordered scan returns each session's queue in message id order.
 */
final class StoreKeys {
  static final byte FORMAT = 0;
  static final byte INBOUND = 'I';
  static final byte INFLIGHT = 'F';
  static final byte MESSAGE = 'M';
  static final byte QUEUE = 'Q';
  static final byte RETAINED = 'R';
  static final byte SESSION = 'S';
  static final byte WILL = 'W';

  private static final byte[] FORMAT_KEY = {FORMAT, 'f', 'l', 'u', 'x'};

  private StoreKeys() {}

  static byte[] format() {
    return FORMAT_KEY.clone();
  }

  static byte[] session(String clientId) {
    return tagged(SESSION, utf8(clientId));
  }

  static byte[] will(String clientId) {
    return tagged(WILL, utf8(clientId));
  }

  static byte[] retained(String topic) {
    return tagged(RETAINED, utf8(topic));
  }

  static byte[] message(long id) {
    byte[] key = new byte[9];
    key[0] = MESSAGE;
    putLong(key, 1, id);
    return key;
  }

  /** All keys of one kind for one client start with this. */
  static byte[] clientPrefix(byte tag, String clientId) {
    return clientKey(tag, clientId, 0);
  }

  /** A key of the message path, built with one allocation: it is made for every message and ack. */
  static byte[] queue(String clientId, long id) {
    return clientKeyWithLong(QUEUE, clientId, id);
  }

  static byte[] inflight(String clientId, long id) {
    return clientKeyWithLong(INFLIGHT, clientId, id);
  }

  static byte[] inbound(String clientId, int packetId) {
    byte[] key = clientKey(INBOUND, clientId, 2);
    key[key.length - 2] = (byte) (packetId >>> 8);
    key[key.length - 1] = (byte) packetId;
    return key;
  }

  private static byte[] clientKeyWithLong(byte tag, String clientId, long id) {
    byte[] key = clientKey(tag, clientId, 8);
    putLong(key, key.length - 8, id);
    return key;
  }

  /** tag, two-byte length, the UTF-8 client id, then {@code extra} bytes for the caller to fill. */
  private static byte[] clientKey(byte tag, String clientId, int extra) {
    byte[] id = utf8(clientId);
    byte[] key = new byte[3 + id.length + extra];
    key[0] = tag;
    key[1] = (byte) (id.length >>> 8);
    key[2] = (byte) id.length;
    System.arraycopy(id, 0, key, 3, id.length);
    return key;
  }

  private static void putLong(byte[] key, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      key[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  /** The first key after every key that starts with the prefix, for range deletes. */
  static byte[] prefixEnd(byte[] prefix) {
    byte[] end = Arrays.copyOf(prefix, prefix.length);
    for (int i = end.length - 1; i >= 0; i--) {
      if (end[i] != (byte) 0xFF) {
        end[i]++;
        return Arrays.copyOf(end, i + 1);
      }
    }
    throw new IllegalArgumentException("no key follows an all-0xFF prefix");
  }

  /** Client id of a QUEUE, INFLIGHT or INBOUND key. */
  static String clientOf(byte[] key) {
    int len = (key[1] & 0xFF) << 8 | key[2] & 0xFF;
    return new String(key, 3, len, StandardCharsets.UTF_8);
  }

  /** The text after the tag of a SESSION, WILL or RETAINED key. */
  static String nameOf(byte[] key) {
    return new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
  }

  /** Trailing id of a QUEUE, INFLIGHT or MESSAGE key. */
  static long idOf(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  /** Trailing packet id of an INBOUND key. */
  static int packetIdOf(byte[] key) {
    return (key[key.length - 2] & 0xFF) << 8 | key[key.length - 1] & 0xFF;
  }

  private static byte[] tagged(byte tag, byte[] rest) {
    byte[] key = new byte[rest.length + 1];
    key[0] = tag;
    System.arraycopy(rest, 0, key, 1, rest.length);
    return key;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
