package io.openegiz.flux.fleet.ota;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.telemetry.PayloadException;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One MQTT 5 connection of the operator's tools to the broker that follows every device's retained status
 * ({@code openegiz/+/+/+/+/status}) and sends commands; the devices' OTA progress arrives in those statuses.
 */
public final class DeviceStatuses implements AutoCloseable {
  /** Every device's status topic (docs/topics.md). */
  public static final String STATUS_FILTER = "openegiz/+/+/+/+/status";
  private static final int CONNECT_SECONDS = 10;

  private final Mqtt5AsyncClient client;
  private final Map<String, Seen> latest = new ConcurrentHashMap<>();
  /** Every topic a device_id's status came from: more than one means a device poses as another. */
  private final Map<String, Set<String>> topics = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<Consumer<Seen>> listeners = new CopyOnWriteArrayList<>();

  /**
   * A device's last status and where it was published.
   *
   * @param topic  its status topic, openegiz/{factory}/{equipment_type}/{equipment_id}/{sensor_type}/status
   * @param status the status as the device wrote it
   */
  public record Seen(String topic, Status status) {
    /** The command topic of the device's equipment. */
    public String commandTopic() {
      return topic.substring(0, topic.lastIndexOf('/', topic.lastIndexOf('/') - 1)) + "/command";
    }
  }

  /**
   * Where and as whom to connect.
   *
   * @param host     broker host
   * @param port     broker port
   * @param ssl      TLS with the operator's client certificate, or {@code null} for plain MQTT
   * @param username username, or {@code null}
   * @param password password, or {@code null}
   */
  public record Broker(String host, int port, MqttClientSslConfig ssl, String username, String password) {
  }

  private DeviceStatuses(Mqtt5AsyncClient client) {
    this.client = client;
  }

  /** Connects and subscribes; the retained statuses arrive at once. */
  public static DeviceStatuses connect(Broker broker) throws OtaException {
    Mqtt5ClientBuilder b = MqttClient.builder().useMqttVersion5().identifier("flux-ota-" + UUID.randomUUID())
        .serverHost(broker.host()).serverPort(broker.port());
    if (broker.ssl() != null) {
      b = b.sslConfig(broker.ssl());
    }
    Mqtt5AsyncClient client = b.buildAsync();
    DeviceStatuses statuses = new DeviceStatuses(client);
    try {
      var connect = client.connectWith().cleanStart(true);
      if (broker.username() != null) {
        connect.simpleAuth().username(broker.username())
            .password(broker.password() == null ? new byte[0] : broker.password().getBytes(StandardCharsets.UTF_8))
            .applySimpleAuth();
      }
      connect.send().get(CONNECT_SECONDS, TimeUnit.SECONDS);
      client.subscribeWith().topicFilter(STATUS_FILTER).qos(MqttQos.AT_LEAST_ONCE).callback(statuses::received)
          .send().get(CONNECT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      client.disconnect();
      Throwable root = e;
      while (root.getCause() != null) {
        root = root.getCause();
      }
      throw new OtaException("cannot connect to the broker at " + broker.host() + ":" + broker.port() + ": "
          + root.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaException("interrupted while connecting", e);
    }
    return statuses;
  }

  private void received(Mqtt5Publish p) {
    try {
      Status status = Payloads.fromJson(p.getPayloadAsBytes(), Status.class);
      Seen seen = new Seen(p.getTopic().toString(), status);
      topics.computeIfAbsent(status.deviceId(), id -> ConcurrentHashMap.newKeySet()).add(seen.topic());
      latest.put(status.deviceId(), seen);
      listeners.forEach(l -> l.accept(seen));
    } catch (PayloadException e) {
      // Not a status this tool can read (another firmware's); the schema checks elsewhere report it.
    }
  }

  /** Each device's last status, by device_id. */
  public Map<String, Seen> latest() {
    return Map.copyOf(latest);
  }

  /**
   * The topics the statuses of {@code deviceId} came from, sorted; one for a device that nobody poses as. The
   * ACL lets a device write only its own status topic, but not choose the device_id inside it.
   */
  public Set<String> topicsOf(String deviceId) {
    Set<String> seen = topics.get(deviceId);
    return seen == null ? Set.of() : new TreeSet<>(seen);
  }

  /** Calls {@code listener} with every status from now on, on the client's thread, until the result is run. */
  public Runnable onStatus(Consumer<Seen> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Publishes a command at QoS 1 and waits for its PUBACK. */
  public void send(String topic, String json) throws OtaException {
    try {
      var result = client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE)
          .payload(json.getBytes(StandardCharsets.UTF_8)).send().get(CONNECT_SECONDS, TimeUnit.SECONDS);
      if (result.getError().isPresent()) {
        throw new OtaException(topic + ": the broker refused the command: " + result.getError().get().getMessage());
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new OtaException(topic + ": the command could not be sent: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OtaException("interrupted while sending", e);
    }
  }

  @Override
  public void close() {
    client.disconnect();
  }
}
