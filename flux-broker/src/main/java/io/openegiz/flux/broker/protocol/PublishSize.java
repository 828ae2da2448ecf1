package io.openegiz.flux.broker.protocol;

import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.mqtt.MqttProperties;

/**
 * The exact size of a PUBLISH as Netty's {@code MqttEncoder} writes it, so that the broker sends every
 * packet that fits a client's Maximum Packet Size and withholds only those that do not
 * [MQTT-3.1.2-24] [MQTT-3.1.2-25]. Strings are counted as the encoder writes them
 * ({@link ByteBufUtil#utf8Bytes}).
 */
final class PublishSize {
  /** A Topic Alias property on the wire: its identifier and a two byte integer. */
  static final int TOPIC_ALIAS_BYTES = 3;

  private PublishSize() {}

  /**
   * The whole packet, fixed header included.
   *
   * @param topic the topic name as sent (empty when a topic alias stands for it)
   * @param propertiesLength the property block's length ({@link #properties}), or -1 for MQTT 3.1.1,
   *     which has no property block
   */
  static long packet(String topic, int qos, int propertiesLength, int payloadLength) {
    long remaining = 2L + ByteBufUtil.utf8Bytes(topic) + (qos > 0 ? 2 : 0) + payloadLength;
    if (propertiesLength >= 0) {
      remaining += varIntSize(propertiesLength) + propertiesLength;
    }
    return 1 + varIntSize(remaining) + remaining;
  }

  /** The length of a property block's content (without the variable byte integer that precedes it). */
  static int properties(MqttProperties props) {
    int n = 0;
    for (MqttProperties.MqttProperty<?> p : props.listAll()) {
      n += switch (p) {
        case MqttProperties.UserProperties us -> {
          int pairs = 0;
          for (MqttProperties.StringPair pair : us.value()) {
            pairs += userProperty(pair);
          }
          yield pairs;
        }
        case MqttProperties.UserProperty u -> userProperty(u.value());
        case MqttProperties.StringProperty s -> 1 + 2 + ByteBufUtil.utf8Bytes(s.value());
        case MqttProperties.BinaryProperty b -> 1 + 2 + b.value().length;
        case MqttProperties.IntegerProperty i -> 1 + integerSize(i.propertyId(), i.value());
        default -> throw new IllegalArgumentException("unknown property " + p.propertyId());
      };
    }
    return n;
  }

  private static int userProperty(MqttProperties.StringPair pair) {
    return 1 + 2 + ByteBufUtil.utf8Bytes(pair.key) + 2 + ByteBufUtil.utf8Bytes(pair.value);
  }

  /** Bytes of an integer property's value: a byte, a two or four byte integer, or a variable byte integer. */
  private static int integerSize(int id, int value) {
    return switch (MqttProperties.MqttPropertyType.valueOf(id)) {
      case SERVER_KEEP_ALIVE, RECEIVE_MAXIMUM, TOPIC_ALIAS_MAXIMUM, TOPIC_ALIAS -> 2;
      case PUBLICATION_EXPIRY_INTERVAL, SESSION_EXPIRY_INTERVAL, WILL_DELAY_INTERVAL, MAXIMUM_PACKET_SIZE -> 4;
      case SUBSCRIPTION_IDENTIFIER -> varIntSize(value);
      default -> 1; // payload format indicator, the request and "available" flags, maximum QoS
    };
  }

  static int varIntSize(long v) {
    return v < 128 ? 1 : v < 16_384 ? 2 : v < 2_097_152 ? 3 : 4;
  }
}
