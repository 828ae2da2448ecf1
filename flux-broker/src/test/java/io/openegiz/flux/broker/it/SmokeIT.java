package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The first end-to-end check: a HiveMQ MQTT 5 client publishes to another through the broker. */
class SmokeIT {

  @Test
  void mqtt5ClientReceivesWhatAnotherPublishes() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("sub").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("pub").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      sub.connect();
      pub.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        sub.subscribeWith().topicFilter("openegiz/+/oven/#").qos(MqttQos.EXACTLY_ONCE).send();
        pub.publishWith().topic("openegiz/factory-a/oven/oven-001/thermal/telemetry")
            .payload("{\"t\":1}".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
        Optional<Mqtt5Publish> got = publishes.receive(5, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(got.get().getTopic().toString()).isEqualTo("openegiz/factory-a/oven/oven-001/thermal/telemetry");
        assertThat(got.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":1}");
      }
      pub.disconnect();
      sub.disconnect();
    }
  }
}
