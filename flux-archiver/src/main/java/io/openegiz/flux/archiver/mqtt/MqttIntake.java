package io.openegiz.flux.archiver.mqtt;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.lifecycle.MqttDisconnectSource;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver's MQTT 5 session (FR-4.1): a fixed client id, a persistent session (clean start off, a session
 * expiry), QoS 1 subscriptions renewed on every connection, automatic reconnection with capped backoff, and
 * manual acknowledgement: the HiveMQ client sends a message's PUBACK only when {@link Mqtt5Publish#acknowledge()}
 * is called, which the archiver does after the database has the message's points. Messages are handed to the
 * consumer on one thread; when the consumer blocks (backpressure), the broker's receive maximum fills up and the
 * broker keeps the rest in the session.
 */
public final class MqttIntake implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttIntake.class);

  private final Mqtt5AsyncClient client;
  private final ExecutorService thread;
  private final List<String> topics;
  private final Mqtt5Connect connect;
  private volatile boolean subscribed;

  /**
   * Connection settings.
   *
   * @param broker        {@code tcp://host:port} or {@code ssl://host:port}
   * @param clientId      fixed client id of the persistent session
   * @param topics        topic filters, subscribed at QoS 1
   * @param username      or {@code null}
   * @param password      or {@code null}
   * @param tls           TLS files, or {@code null} for plain TCP
   * @param sessionExpiry how long the broker keeps the session while the archiver is away
   * @param receiveMaximum unacknowledged QoS 1 messages the broker may send at once
   */
  public record Settings(URI broker, String clientId, List<String> topics, String username, String password,
      Tls tls, Duration sessionExpiry, int receiveMaximum) {
  }

  /**
   * TLS files; any may be {@code null}.
   *
   * @param caFile   CA certificates to trust
   * @param certFile client certificate
   * @param keyFile  its key
   */
  public record Tls(Path caFile, Path certFile, Path keyFile) {
  }

  /** What the intake hands over: topic, payload, and the action that acknowledges the message. */
  public interface Receiver {
    /** Takes one message; may block (backpressure). */
    void receive(String topic, byte[] payload, Runnable ack) throws InterruptedException;

    /**
     * {@link #receive} threw on this message (a bug, not bad input): the receiver must still account for it, in
     * the dead letters, and acknowledge it. Left unacknowledged, it would hold back every later PUBACK.
     */
    void failed(String topic, byte[] payload, RuntimeException error, Runnable ack) throws InterruptedException;
  }

  /** Builds the client; nothing is sent before {@link #start}. */
  public MqttIntake(Settings settings, Receiver receiver) {
    this.topics = List.copyOf(settings.topics());
    URI broker = settings.broker();
    Mqtt5ClientBuilder builder = MqttClient.builder().useMqttVersion5().identifier(settings.clientId())
        .serverHost(broker.getHost()).serverPort(broker.getPort())
        .automaticReconnect().initialDelay(500, TimeUnit.MILLISECONDS).maxDelay(10, TimeUnit.SECONDS)
        .applyAutomaticReconnect()
        .addConnectedListener(context -> subscribe())
        .addDisconnectedListener(context -> {
          if (context.getSource() != MqttDisconnectSource.USER) {
            LOG.warn("disconnected from {}: {}; reconnecting", broker, context.getCause().toString());
          }
        });
    if ("ssl".equals(broker.getScheme())) {
      Tls tls = settings.tls() == null ? new Tls(null, null, null) : settings.tls();
      builder = builder.sslConfig(TlsFiles.sslConfig(tls.caFile(), tls.certFile(), tls.keyFile()));
    }
    this.client = builder.buildAsync();
    this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().name("flux-archiver-intake")
        .daemon(true).unstarted(r));
    Consumer<Mqtt5Publish> onPublish = publish -> {
      String topic = publish.getTopic().toString();
      byte[] payload = publish.getPayloadAsBytes();
      try {
        try {
          receiver.receive(topic, payload, publish::acknowledge);
        } catch (RuntimeException e) {
          // The HiveMQ client sends PUBACKs in the order the messages arrived: one message never acknowledged
          // holds back every later PUBACK, the broker's window fills and delivery stops for good. So a message the
          // archiver failed on (a bug: bad input is dead-lettered already) goes to the dead letters and is acked.
          LOG.error("message on {} failed in the archiver; dead-lettered: {}", topic, e.toString(), e);
          receiver.failed(topic, payload, e, publish::acknowledge);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // An exception must not leave this callback: it would end the client's delivery to it for good.
        LOG.error("message on {} could not be dead-lettered either; not acknowledged: {}", topic, e.toString(), e);
      }
    };
    // Registered before connecting, so messages the broker kept in the session are not missed.
    client.publishes(MqttGlobalPublishFilter.ALL, onPublish, thread, true);
    this.connect = connectMessage(settings);
  }

  private static Mqtt5Connect connectMessage(Settings settings) {
    Mqtt5ConnectBuilder connect = Mqtt5Connect.builder()
        .cleanStart(false).sessionExpiryInterval(settings.sessionExpiry().toSeconds())
        .restrictions().receiveMaximum(settings.receiveMaximum()).applyRestrictions();
    if (settings.username() != null) {
      connect = connect.simpleAuth().username(settings.username())
          .password(settings.password() == null ? new byte[0] : settings.password().getBytes(StandardCharsets.UTF_8))
          .applySimpleAuth();
    }
    return connect.build();
  }

  /** Connects; later losses of the connection are repaired by automatic reconnection. */
  public void start() {
    client.connect(connect).whenComplete((ack, error) -> {
      if (error != null) {
        LOG.warn("cannot connect to the broker yet: {}; retrying", error.toString());
      } else {
        LOG.info("connected, session present: {}", ack.isSessionPresent());
      }
    });
  }

  /** Whether the client is connected now. */
  public boolean connected() {
    return client.getState().isConnected();
  }

  /** Whether the broker has granted the subscriptions at least once. */
  public boolean subscribed() {
    return subscribed;
  }

  private void subscribe() {
    Mqtt5Subscribe subscribe = Mqtt5Subscribe.builder()
        .addSubscriptions(topics.stream().map(t -> Mqtt5Subscription.builder().topicFilter(t).qos(MqttQos.AT_LEAST_ONCE)
            .build()))
        .build();
    client.subscribe(subscribe).whenComplete((ack, error) -> {
      if (error != null) {
        LOG.error("subscription to {} failed: {}", topics, error.toString());
      } else {
        subscribed = true;
        LOG.info("subscribed to {} at QoS 1: {}", topics, ack.getReasonCodes());
      }
    });
  }

  /** Disconnects; messages not yet acknowledged stay in the broker's session. */
  @Override
  public void close() {
    try {
      client.disconnect().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("disconnect: {}", e.toString());
    }
    thread.shutdownNow();
  }
}
