package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;

/**
 * A will is a PUBLISH made later on the client's behalf, so its payload obeys the client's
 * {@code message_size_limit} like any PUBLISH (review of issue 8; Mosquitto refuses such a CONNECT
 * too): a device held to small payloads must not deliver, or retain, a large one through its will.
 */
class WillSizeIT {
  private static FluxBroker start() throws Exception {
    BrokerConfig config = ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "message_size_limit 2000", "limits_for_user small message_size_limit=100")).config();
    return FluxBroker.builder(config).build().start();
  }

  private static Mqtt5ConnAckReasonCode connectWithWill(FluxBroker b, String user, int payloadBytes) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("will-" + user + "-" + payloadBytes)
        .serverHost("127.0.0.1").serverPort(b.port()).buildBlocking();
    try {
      Mqtt5ConnAckReasonCode code = c.connectWith().simpleAuth().username(user).applySimpleAuth().willPublish()
          .topic("will/" + user).payload(new byte[payloadBytes]).qos(MqttQos.AT_LEAST_ONCE).retain(true)
          .applyWillPublish().send().getReasonCode();
      c.disconnect();
      return code;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  @Test
  void aWillPayloadAboveTheClientsMessageSizeLimitIsRefusedAtConnect() throws Exception {
    try (FluxBroker b = start()) {
      assertThat(connectWithWill(b, "big", 2000)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(connectWithWill(b, "big", 2001)).isEqualTo(Mqtt5ConnAckReasonCode.PACKET_TOO_LARGE);
      assertThat(connectWithWill(b, "small", 100)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(connectWithWill(b, "small", 101)).isEqualTo(Mqtt5ConnAckReasonCode.PACKET_TOO_LARGE);

      MqttClient paho = new MqttClient("tcp://127.0.0.1:" + b.port(), "will-paho", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      o.setUserName("small");
      o.setWill("will/small", new byte[101], 1, true);
      assertThat(catchThrowableOfType(MqttException.class, () -> paho.connect(o)).getReasonCode())
          .isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
      paho.close();
    }
  }
}
