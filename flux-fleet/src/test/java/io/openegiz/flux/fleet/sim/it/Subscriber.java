package io.openegiz.flux.fleet.sim.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A test's MQTT 5 client: records everything on its filter and can send commands. */
final class Subscriber implements AutoCloseable {
  private final Mqtt5BlockingClient client;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  Subscriber(int port, String filter) {
    this(port, filter, null);
  }

  /** Over TLS with {@code ssl} (its client certificate is who it is to the ACL), or plain when null. */
  Subscriber(int port, String filter, MqttClientSslConfig ssl) {
    var builder = MqttClient.builder().useMqttVersion5().identifier("it-" + UUID.randomUUID())
        .serverHost("127.0.0.1").serverPort(port);
    client = (ssl == null ? builder : builder.sslConfig(ssl)).buildBlocking();
    client.connect();
    client.toAsync().subscribeWith().topicFilter(filter).qos(MqttQos.EXACTLY_ONCE).callback(this::record).send()
        .join();
  }

  private void record(Mqtt5Publish p) {
    byte[] correlation = p.getCorrelationData().map(b -> {
      byte[] out = new byte[b.remaining()];
      b.duplicate().get(out);
      return out;
    }).orElse(null);
    received.add(new Received(p.getTopic().toString(), p.getPayloadAsBytes(), p.isRetain(), correlation));
  }

  List<Received> all() {
    return List.copyOf(received);
  }

  List<Received> matching(Predicate<Received> test) {
    return received.stream().filter(test).toList();
  }

  long count(Predicate<Received> test) {
    return matching(test).size();
  }

  void publish(String topic, String json) {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(json.getBytes()).send();
  }

  void request(String topic, String json, String responseTopic, byte[] correlation) {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(json.getBytes())
        .responseTopic(responseTopic).correlationData(ByteBuffer.wrap(correlation)).send();
  }

  @Override
  public void close() {
    client.disconnect();
  }
}
