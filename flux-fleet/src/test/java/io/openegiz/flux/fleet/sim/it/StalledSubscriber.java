package io.openegiz.flux.fleet.sim.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A QoS 1 subscriber that takes one message and never acknowledges it: its queue on the broker fills, and a Flux
 * broker then stops reading the publishers that feed it (backpressure, not loss).
 */
final class StalledSubscriber implements AutoCloseable {
  private final Mqtt5AsyncClient client;
  private final AtomicInteger received = new AtomicInteger();

  StalledSubscriber(int port, String filter) {
    client = MqttClient.builder().useMqttVersion5().identifier("it-stalled-" + UUID.randomUUID())
        .serverHost("127.0.0.1").serverPort(port).buildAsync();
    // Manual acknowledgement that never comes: the window of one stays taken.
    client.publishes(MqttGlobalPublishFilter.ALL, p -> received.incrementAndGet(), true);
    client.connect(Mqtt5Connect.builder().restrictions().receiveMaximum(1).applyRestrictions().build()).join();
    client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().join();
  }

  int received() {
    return received.get();
  }

  /** Leaves with a clean session: the broker drops its queue and reads the paused publishers again. */
  @Override
  public void close() {
    client.disconnect().join();
  }
}
