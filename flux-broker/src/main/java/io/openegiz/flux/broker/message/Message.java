package io.openegiz.flux.broker.message;

import java.util.List;

/**
 * An application message as the broker holds it: immutable, shared by every subscriber it goes to.
 * The payload array is never modified after construction.
 *
 * @param topic the topic name it was published to
 * @param payload the payload bytes
 * @param qos the QoS it was published with
 * @param retain the RETAIN flag it was published with
 * @param publisherId client id of the publisher, for no-local
 * @param expiresAtMillis when it expires (clock millis), or 0 when it never does
 * @param properties MQTT 5 application properties forwarded unchanged, or {@link Properties#NONE}
 * @param size bytes the message holds: its topic, payload and properties as UTF-8; what max_queued_bytes
 *     and the retained quotas count. Pass 0 (or use the constructor without it) to have it computed, once.
 * @param receivedNanos when its PUBLISH was read ({@link System#nanoTime}), for the publish latency; 0 when
 *     unknown (wills, messages restored from the store)
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String publisherId,
    long expiresAtMillis, Properties properties, long size, long receivedNanos) {

  public Message {
    if (size <= 0) {
      size = (long) utf8Length(topic) + payload.length + properties.size();
    }
  }

  /** A message not timed for the publish latency. */
  public Message(String topic, byte[] payload, int qos, boolean retain, String publisherId, long expiresAtMillis,
      Properties properties, long size) {
    this(topic, payload, qos, retain, publisherId, expiresAtMillis, properties, size, 0);
  }

  /** A message; its {@link #size} is computed. */
  public Message(String topic, byte[] payload, int qos, boolean retain, String publisherId, long expiresAtMillis,
      Properties properties) {
    this(topic, payload, qos, retain, publisherId, expiresAtMillis, properties, 0);
  }

  /** The MQTT 5 properties a broker forwards to subscribers, in the order received. */
  public record Properties(Integer payloadFormat, String contentType, String responseTopic,
      byte[] correlationData, List<UserProperty> userProperties) {
    public static final Properties NONE = new Properties(null, null, null, null, List.of());

    public Properties {
      userProperties = List.copyOf(userProperties);
    }

    /** The bytes of these properties' values (UTF-8 strings, correlation data): what they hold in memory. */
    long size() {
      long n = (payloadFormat != null ? 1 : 0) + utf8Length(contentType) + utf8Length(responseTopic)
          + (correlationData != null ? correlationData.length : 0);
      for (UserProperty p : userProperties) n += utf8Length(p.key()) + utf8Length(p.value());
      return n;
    }
  }

  /** One MQTT 5 user property; order and duplicates are kept [MQTT-3.3.2-18]. */
  public record UserProperty(String key, String value) {}

  /** Bytes of a string as UTF-8 (0 for null), without encoding it. */
  static int utf8Length(String s) {
    if (s == null) {
      return 0;
    }
    int n = s.length();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 0x80) {
        n += c < 0x800 || Character.isSurrogate(c) ? 1 : 2; // a surrogate pair is 4 bytes for 2 chars
      }
    }
    return n;
  }

  /** True when the message has an expiry and it has passed. */
  public boolean expired(long nowMillis) {
    return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
  }
}
