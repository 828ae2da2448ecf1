package io.openegiz.flux.broker.routing;

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
 */
public record Message(String topic, byte[] payload, int qos, boolean retain, String publisherId,
    long expiresAtMillis, Properties properties) {

  /** The MQTT 5 properties a broker forwards to subscribers, in the order received. */
  public record Properties(Integer payloadFormat, String contentType, String responseTopic,
      byte[] correlationData, List<UserProperty> userProperties) {
    public static final Properties NONE = new Properties(null, null, null, null, List.of());

    public Properties {
      userProperties = List.copyOf(userProperties);
    }

    /** Bytes these properties take on the wire, roughly, for packet-size checks. */
    int encodedSizeEstimate() {
      int n = 0;
      if (payloadFormat != null) n += 2;
      if (contentType != null) n += 3 + contentType.length() * 3;
      if (responseTopic != null) n += 3 + responseTopic.length() * 3;
      if (correlationData != null) n += 3 + correlationData.length;
      for (UserProperty p : userProperties) n += 5 + (p.key().length() + p.value().length()) * 3;
      return n;
    }
  }

  /** One MQTT 5 user property; order and duplicates are kept [MQTT-3.3.2-18]. */
  public record UserProperty(String key, String value) {}

  /** True when the message has an expiry and it has passed. */
  public boolean expired(long nowMillis) {
    return expiresAtMillis != 0 && nowMillis >= expiresAtMillis;
  }

  /** Same message with another retain flag. */
  public Message withRetain(boolean r) {
    return r == retain ? this : new Message(topic, payload, qos, r, publisherId, expiresAtMillis, properties);
  }

  /**
   * Upper bound of the size of a PUBLISH carrying this message, so the broker never sends a packet
   * larger than a client accepts [MQTT-3.1.2-24].
   */
  public int encodedSizeEstimate(int subscriptionIds) {
    int remaining = 2 + topic.length() * 3 + 2 + 5 + 5 + properties.encodedSizeEstimate()
        + subscriptionIds * 5 + payload.length;
    return 1 + 4 + remaining;
  }
}
