package io.openegiz.flux.broker.status;

import java.nio.charset.StandardCharsets;

/**
 * Reads one field of a JSON payload by its key, wherever it is nested, without parsing the document
 * and without allocating unless a string is returned. Enough for the fleet view: the keys it reads
 * ({@code status}, {@code device_id}, {@code firmware_version}, {@code rssi}) occur once in the status
 * and telemetry schemas (docs/payloads.md). It is a display aid, not a validator: the archiver and
 * flux-telemetry validate payloads; a payload this cannot read leaves the field unknown.
 */
final class PayloadFields {
  /** Longest string value returned; longer ones (not valid in any schema) are cut off here. */
  static final int MAX_STRING = 64;
  /** What {@link #integer} returns when the field is absent or not an integer. */
  static final int NO_INT = Integer.MIN_VALUE;

  private PayloadFields() {}

  /** The string value of {@code "key"}, or null when absent, not a string, or escaped. */
  static String string(byte[] json, byte[] key) {
    int i = valueStart(json, key);
    if (i < 0 || json[i] != '"') {
      return null;
    }
    int start = i + 1;
    for (int j = start; j < json.length; j++) {
      byte b = json[j];
      if (b == '"') {
        return new String(json, start, Math.min(j - start, MAX_STRING), StandardCharsets.UTF_8);
      }
      if (b == '\\' || (b >= 0 && b < 0x20)) {
        return null; // no schema value needs escapes; a payload with them shows the field as unknown
      }
    }
    return null;
  }

  /** The integer value of {@code "key"} (within int range), or {@link #NO_INT}. */
  static int integer(byte[] json, byte[] key) {
    int i = valueStart(json, key);
    if (i < 0) {
      return NO_INT;
    }
    boolean negative = json[i] == '-';
    if (negative) {
      i++;
    }
    long v = 0;
    int digits = 0;
    for (; i < json.length && json[i] >= '0' && json[i] <= '9' && digits < 10; i++, digits++) {
      v = v * 10 + (json[i] - '0');
    }
    if (digits == 0 || (i < json.length && (json[i] == '.' || json[i] == 'e' || json[i] == 'E'
        || (json[i] >= '0' && json[i] <= '9')))) {
      return NO_INT;
    }
    v = negative ? -v : v;
    return v < Integer.MIN_VALUE + 1L || v > Integer.MAX_VALUE ? NO_INT : (int) v;
  }

  /** Whether {@code "key"} has exactly the string value {@code value} (no allocation). */
  static boolean stringEquals(byte[] json, byte[] key, byte[] value) {
    int i = valueStart(json, key);
    int end = i + 1 + value.length; // where the closing quote must be
    if (i < 0 || json[i] != '"' || end >= json.length) {
      return false;
    }
    for (int j = 0; j < value.length; j++) {
      if (json[i + 1 + j] != value[j]) {
        return false;
      }
    }
    return json[end] == '"';
  }

  /** Index of the first byte of the value of {@code "key"} (the key as quoted: {@code "\"rssi\""}), or -1. */
  private static int valueStart(byte[] json, byte[] quotedKey) {
    int from = 0;
    while (true) {
      int at = indexOf(json, quotedKey, from);
      if (at < 0) {
        return -1;
      }
      from = at + 1;
      if (at > 0 && json[at - 1] == '\\') {
        continue; // inside a string value, not a key
      }
      int i = skipSpace(json, at + quotedKey.length);
      if (i < json.length && json[i] == ':') {
        i = skipSpace(json, i + 1);
        return i < json.length ? i : -1;
      }
    }
  }

  private static int skipSpace(byte[] json, int i) {
    while (i < json.length && (json[i] == ' ' || json[i] == '\t' || json[i] == '\n' || json[i] == '\r')) {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] json, byte[] needle, int from) {
    outer : for (int i = from; i <= json.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (json[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A key as {@link #string} and {@link #integer} take it: {@code rssi} becomes the bytes of {@code "rssi"}. */
  static byte[] key(String name) {
    return ('"' + name + '"').getBytes(StandardCharsets.US_ASCII);
  }
}
