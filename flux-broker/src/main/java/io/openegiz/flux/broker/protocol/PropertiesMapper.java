package io.openegiz.flux.broker.protocol;

import io.netty.handler.codec.mqtt.MqttProperties;
import io.openegiz.flux.broker.message.Message;
import java.util.ArrayList;
import java.util.List;

/** Converts between Netty's mutable MQTT 5 properties and the broker's immutable message properties. */
final class PropertiesMapper {
  private PropertiesMapper() {}

  /** The properties of an inbound PUBLISH that are forwarded to subscribers [MQTT-3.3.2-...]. */
  static Message.Properties fromPublish(MqttProperties p) {
    if (p.isEmpty()) {
      return Message.Properties.NONE;
    }
    Integer format = intValue(p, MqttProperties.PAYLOAD_FORMAT_INDICATOR);
    String contentType = stringValue(p, MqttProperties.CONTENT_TYPE);
    String responseTopic = stringValue(p, MqttProperties.RESPONSE_TOPIC);
    MqttProperties.MqttProperty<?> corr = p.getProperty(MqttProperties.CORRELATION_DATA);
    byte[] correlation = corr == null ? null : (byte[]) corr.value();
    List<Message.UserProperty> user = new ArrayList<>();
    for (MqttProperties.MqttProperty<?> up : p.getProperties(MqttProperties.USER_PROPERTY)) {
      if (up instanceof MqttProperties.UserProperty u) {
        user.add(new Message.UserProperty(u.value().key, u.value().value));
      } else if (up instanceof MqttProperties.UserProperties us) {
        for (MqttProperties.StringPair pair : us.value()) {
          user.add(new Message.UserProperty(pair.key, pair.value));
        }
      }
    }
    return new Message.Properties(format, contentType, responseTopic, correlation, user);
  }

  /** The properties of an outbound PUBLISH, with the remaining expiry interval [MQTT-3.3.2-6]. */
  static MqttProperties toPublish(Message m, List<Integer> subscriptionIds, long nowMillis) {
    MqttProperties out = new MqttProperties();
    Message.Properties p = m.properties();
    if (p.payloadFormat() != null) {
      out.add(new MqttProperties.IntegerProperty(MqttProperties.PAYLOAD_FORMAT_INDICATOR, p.payloadFormat()));
    }
    if (m.expiresAtMillis() != 0) {
      long remaining = Math.max(1, (m.expiresAtMillis() - nowMillis + 999) / 1000);
      out.add(new MqttProperties.IntegerProperty(MqttProperties.PUBLICATION_EXPIRY_INTERVAL, (int) remaining));
    }
    if (p.contentType() != null) {
      out.add(new MqttProperties.StringProperty(MqttProperties.CONTENT_TYPE, p.contentType()));
    }
    if (p.responseTopic() != null) {
      out.add(new MqttProperties.StringProperty(MqttProperties.RESPONSE_TOPIC, p.responseTopic()));
    }
    if (p.correlationData() != null) {
      out.add(new MqttProperties.BinaryProperty(MqttProperties.CORRELATION_DATA, p.correlationData()));
    }
    for (Message.UserProperty u : p.userProperties()) {
      out.add(new MqttProperties.UserProperty(u.key(), u.value()));
    }
    for (Integer id : subscriptionIds) {
      out.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER, id));
    }
    return out;
  }

  static Integer intValue(MqttProperties p, int id) {
    MqttProperties.MqttProperty<?> v = p.getProperty(id);
    return v == null ? null : (Integer) v.value();
  }

  static String stringValue(MqttProperties p, int id) {
    MqttProperties.MqttProperty<?> v = p.getProperty(id);
    return v == null ? null : (String) v.value();
  }
}
