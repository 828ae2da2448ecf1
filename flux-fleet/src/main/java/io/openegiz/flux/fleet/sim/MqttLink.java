package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.openegiz.flux.fleet.bench.MqttVersion;
import java.util.concurrent.CompletableFuture;

/**
 * One device's MQTT connection, the same for 3.1.1 and 5: it connects, tells its {@link Events} about every
 * connect and loss, and reconnects after the delay they ask for with a fresh Last Will.
 */
interface MqttLink {

  /** Starts the first connection attempt; failures go to {@link Events#disconnected} like any loss. */
  void start();

  /** Publishes; completes when the broker acknowledged (QoS 1 and 2) or the message was written (QoS 0). */
  CompletableFuture<Void> publish(String topic, byte[] payload, int qos, boolean retain);

  /** Publishes a command response; MQTT 5 echoes the command's correlation data, 3.1.1 has none. */
  CompletableFuture<Void> respond(String topic, byte[] payload, byte[] correlationData);

  /** Subscribes at QoS 1; incoming messages go to {@link Events#message}. */
  CompletableFuture<Void> subscribe(String filter);

  /** Disconnects cleanly (no Last Will); stops reconnecting. */
  CompletableFuture<Void> disconnect();

  /** Opens a link of {@code version}. */
  static MqttLink open(MqttVersion version, Settings settings, Events events) {
    return version == MqttVersion.V5 ? new Mqtt5Link(settings, events) : new Mqtt3Link(settings, events);
  }

  /**
   * Where and as whom a device connects.
   *
   * @param host      broker host
   * @param port      broker port
   * @param clientId  the MQTT client identifier: the device_id
   * @param username  username, or {@code null}
   * @param password  password, or {@code null}
   * @param ssl       TLS configuration, or {@code null} for plain TCP
   * @param willTopic the device's status topic, where the broker publishes the Last Will
   * @param keepAliveSeconds how long the broker waits before it declares a silent device dead
   */
  record Settings(String host, int port, String clientId, String username, String password, MqttClientSslConfig ssl,
      String willTopic, int keepAliveSeconds) {
  }

  /** What the link reports to its device and asks of it; called on the client's I/O threads. */
  interface Events {
    /** A window for 3.1.1, which has no receive maximum: the device's own limit applies. */
    int NO_RECEIVE_MAXIMUM = 65_535;

    /**
     * CONNACK accepted; {@code receiveMaximum} is the broker's (MQTT 5), or {@link #NO_RECEIVE_MAXIMUM}. Called on
     * the client's event loop, which must never wait for a publish.
     */
    void connected(int receiveMaximum);

    /** The connection ended or an attempt failed. */
    void disconnected(Throwable cause);

    /** Milliseconds before the next attempt, or a negative number to stop trying. */
    long reconnectDelayMillis();

    /** The retained offline status the broker publishes if this connection dies, written now. */
    byte[] will();

    /** A message on a subscribed topic. */
    void message(String topic, byte[] payload, String responseTopic, byte[] correlationData);
  }
}
