package io.openegiz.flux.broker.it;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAck;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** An MQTT 5 test client with a username that records what it receives as "topic=payload". */
final class AclClient implements AutoCloseable {
  private static final AtomicInteger IDS = new AtomicInteger();

  final String username;
  private final Mqtt5BlockingClient client;
  private final Queue<String> received = new ConcurrentLinkedQueue<>();

  private AclClient(String username, Mqtt5BlockingClient client) {
    this.username = username;
    this.client = client;
  }

  /** Connects as {@code username} (null: anonymous), with a fresh client id. */
  static AclClient connect(TestBroker broker, String username) {
    Mqtt5ClientBuilder b = Mqtt5Client.builder().identifier("acl-it-" + IDS.incrementAndGet())
        .serverHost(broker.host()).serverPort(broker.port());
    if (username != null) {
      b = b.simpleAuth().username(username).applySimpleAuth();
    }
    AclClient c = new AclClient(username, b.buildBlocking());
    c.client.toAsync().publishes(MqttGlobalPublishFilter.ALL,
        p -> c.received.add(p.getTopic() + "=" + new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
    c.client.connect();
    return c;
  }

  /** SUBSCRIBE with every filter in one packet; the SUBACK reason codes, in order. */
  List<Integer> subscribe(String... filters) {
    List<Mqtt5Subscription> subs = Stream.of(filters)
        .map(f -> Mqtt5Subscription.builder().topicFilter(f).qos(MqttQos.AT_LEAST_ONCE).build()).toList();
    Mqtt5SubAck ack;
    try {
      ack = client.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subs).build());
    } catch (Mqtt5SubAckException e) {
      ack = e.getMqttMessage();
    }
    return ack.getReasonCodes().stream().map(Mqtt5SubAckReasonCode::getCode).toList();
  }

  /** QoS 1 PUBLISH; the PUBACK reason code. */
  int publish(String topic, String payload) {
    return publish(topic, payload, false);
  }

  int publish(String topic, String payload, boolean retain) {
    try {
      Mqtt5PublishResult r = client.publishWith().topic(topic).payload(payload.getBytes(StandardCharsets.UTF_8))
          .qos(MqttQos.AT_LEAST_ONCE).retain(retain).send();
      return ((Mqtt5PublishResult.Mqtt5Qos1Result) r).getPubAck().getReasonCode().getCode();
    } catch (Mqtt5PubAckException e) {
      return e.getMqttMessage().getReasonCode().getCode();
    }
  }

  /** Waits until {@code message} ("topic=payload") has arrived. */
  void awaitReceived(String message) {
    await().atMost(Duration.ofSeconds(10)).until(() -> received.contains(message));
  }

  /** Everything received so far, in arrival order. */
  List<String> received() {
    return List.copyOf(received);
  }

  @Override
  public void close() {
    if (client.getState().isConnected()) {
      client.disconnect();
    }
  }
}
