package io.openegiz.flux.broker.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.publish.Mqtt3Publish;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** HiveMQ clients connected to a {@link TestBroker}, with their received messages collected. */
final class Clients {
  private Clients() {}

  /** A connected MQTT 5 client (clean start, no session expiry). */
  static Mqtt5BlockingClient v5(TestBroker broker, String id) {
    Mqtt5BlockingClient c = builder5(broker, id).buildBlocking();
    c.connect();
    return c;
  }

  static com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder builder5(TestBroker broker, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port());
  }

  /** A connected MQTT 3.1.1 client (clean session). */
  static Mqtt3BlockingClient v3(TestBroker broker, String id) {
    Mqtt3BlockingClient c = Mqtt3Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port())
        .buildBlocking();
    c.connect();
    return c;
  }

  /** Collects every PUBLISH a 5.0 client receives from now on, in arrival order. */
  static List<Mqtt5Publish> collect(Mqtt5BlockingClient c) {
    List<Mqtt5Publish> l = new CopyOnWriteArrayList<>();
    c.toAsync().publishes(MqttGlobalPublishFilter.ALL, l::add);
    return l;
  }

  static List<Mqtt3Publish> collect(Mqtt3BlockingClient c) {
    List<Mqtt3Publish> l = new CopyOnWriteArrayList<>();
    c.toAsync().publishes(MqttGlobalPublishFilter.ALL, l::add);
    return l;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String text(Mqtt5Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  static String text(Mqtt3Publish p) {
    return new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
  }

  static List<String> texts(List<Mqtt5Publish> l) {
    return l.stream().map(Clients::text).toList();
  }
}
