package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.datatypes.MqttTopic;
import com.hivemq.client.mqtt.lifecycle.MqttClientDisconnectedContext;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientConnectedContext;
import com.hivemq.client.mqtt.mqtt5.lifecycle.Mqtt5ClientReconnector;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link MqttLink} over the HiveMQ MQTT 5 async client. */
final class Mqtt5Link implements MqttLink {
  private final Settings settings;
  private final Events events;
  private final Mqtt5AsyncClient client;

  Mqtt5Link(Settings settings, Events events) {
    this.settings = settings;
    this.events = events;
    Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5().identifier(settings.clientId())
        .serverHost(settings.host()).serverPort(settings.port())
        .addConnectedListener(context -> events.connected(
            ((Mqtt5ClientConnectedContext) context).getConnAck().getRestrictions().getReceiveMaximum()))
        .addDisconnectedListener(this::onDisconnected);
    if (settings.ssl() != null) {
      builder = builder.sslConfig(settings.ssl());
    }
    client = builder.buildAsync();
    // One global consumer outlives reconnects, unlike per-subscription callbacks.
    client.publishes(MqttGlobalPublishFilter.SUBSCRIBED, this::onMessage);
  }

  @Override
  public void start() {
    client.connect(connect()).exceptionally(e -> null);
  }

  private Mqtt5Connect connect() {
    Mqtt5ConnectBuilder builder = Mqtt5Connect.builder().cleanStart(true).keepAlive(settings.keepAliveSeconds());
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
      // A fresh CONNECT each time: the LWT carries the time of this connection.
      ((Mqtt5ClientReconnector) context.getReconnector()).reconnect(true).delay(delay, TimeUnit.MILLISECONDS)
          .republishIfSessionExpired(true).resubscribeIfSessionExpired(false).connect(connect());
    }
  }

  private void onMessage(Mqtt5Publish publish) {
    String responseTopic = publish.getResponseTopic().map(MqttTopic::toString).orElse(null);
    byte[] correlation = publish.getCorrelationData().map(Mqtt5Link::bytes).orElse(null);
    events.message(publish.getTopic().toString(), publish.getPayloadAsBytes(), responseTopic, correlation);
  }

  @Override
  public CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retain) {
    return client.publishWith().topic(topic).qos(MqttQos.fromCode(qos)).retain(retain).payload(payload).send()
        .thenCompose(Mqtt5Link::failIfRefused);
  }

  @Override
  public CompletableFuture<Void> respond(String topic, byte[] payload, byte[] correlationData) {
    var publish = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(payload);
    if (correlationData != null) {
      publish = publish.correlationData(correlationData);
    }
    return publish.send().thenCompose(Mqtt5Link::failIfRefused);
  }

  @Override
  public CompletableFuture<Void> subscribe(String filter) {
    return client.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send().thenApply(ack -> null);
  }

  @Override
  public CompletableFuture<Void> disconnect() {
    return client.disconnect();
  }

  private static CompletableFuture<Void> failIfRefused(Mqtt5PublishResult result) {
    // A PUBACK with an error reason code (e.g. not authorized) completes the send normally; surface it.
    return result.getError().<CompletableFuture<Void>>map(CompletableFuture::failedFuture)
        .orElseGet(() -> CompletableFuture.completedFuture(null));
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] b = new byte[buffer.remaining()];
    buffer.duplicate().get(b);
    return b;
  }
}
