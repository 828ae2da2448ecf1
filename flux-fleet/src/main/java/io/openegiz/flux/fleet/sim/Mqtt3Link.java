package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3ClientBuilder;
import com.hivemq.client.mqtt.mqtt3.lifecycle.Mqtt3ClientReconnector;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3Connect;
import com.hivemq.client.mqtt.mqtt3.message.connect.Mqtt3ConnectBuilder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link MqttLink} over the HiveMQ MQTT 3.1.1 async client. */
final class Mqtt3Link implements MqttLink {
  private final Settings settings;
  private final Events events;
  private final Mqtt3AsyncClient client;

  Mqtt3Link(Settings settings, Events events) {
    this.settings = settings;
    this.events = events;
    Mqtt3ClientBuilder builder = MqttClient.builder().useMqttVersion3().identifier(settings.clientId())
        .serverHost(settings.host()).serverPort(settings.port())
        .addConnectedListener(context -> events.connected(Events.NO_RECEIVE_MAXIMUM))
        .addDisconnectedListener(this::onDisconnected);
    if (settings.ssl() != null) {
      builder = builder.sslConfig(settings.ssl());
    }
    client = builder.buildAsync();
    client.publishes(MqttGlobalPublishFilter.SUBSCRIBED,
        p -> events.message(p.getTopic().toString(), p.getPayloadAsBytes(), null, null));
  }

  @Override
  public void start() {
    client.connect(connect()).exceptionally(e -> null);
  }

  private Mqtt3Connect connect() {
    Mqtt3ConnectBuilder builder = Mqtt3Connect.builder().cleanSession(true).keepAlive(settings.keepAliveSeconds());
    if (settings.username() != null) {
      var auth = builder.simpleAuth().username(settings.username());
      builder = settings.password() == null
          ? auth.applySimpleAuth()
          : auth.password(settings.password().getBytes(StandardCharsets.UTF_8)).applySimpleAuth();
    }
    return builder.willPublish().topic(settings.willTopic()).qos(MqttQos.EXACTLY_ONCE).retain(true)
        .payload(events.will()).applyWillPublish().build();
  }

  private void onDisconnected(MqttClientDisconnectedContext context) {
    events.disconnected(context.getCause());
    long delay = events.reconnectDelayMillis();
    if (delay >= 0) {
      ((Mqtt3ClientReconnector) context.getReconnector()).reconnect(true).delay(delay, TimeUnit.MILLISECONDS)
          .republishIfSessionExpired(true).resubscribeIfSessionExpired(false).connect(connect());
    }
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
    return client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).retain(retain).payload(payload).send()
        .thenApply(p -> null);
  }

  @Override
  public CompletableFuture<Void> respond(String topic, byte[] payload, byte[] correlationData) {
    return publish(topic, payload, 1, false);
  }

  @Override
  public CompletableFuture<Void> subscribe(String filter) {
    return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().thenApply(ack -> null);
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    return client.disconnect();
  }
}
