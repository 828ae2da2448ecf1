package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.fleet.bench.MqttVersion;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything a simulated fleet needs: the broker, the devices, their timing and their credentials.
 *
 * @param host             broker host
 * @param port             broker port
 * @param devices          number of simulated ESP32s
 * @param interval         telemetry interval, 100 ms (10 Hz) to 60 s
 * @param factory          the factory_id level
 * @param mix              proportions of sensor kinds
 * @param seed             seed of every device's physics; same seed, same readings
 * @param mqttVersion      3.1.1 or 5
 * @param heartbeat        period of the online status heartbeat (FR-1.9: 60 s)
 * @param bufferCapacity   readings kept while offline or while the broker's window is full (FR-1.7: 1000)
 * @param backoffBase      first reconnect delay
 * @param backoffCap       longest reconnect delay
 * @param connectRate      new connections per second while the fleet starts, to spare the broker a storm
 * @param tls              TLS settings, or {@code null} for plain TCP
 * @param username         fixed username for all devices, or {@code null} for each device's own id
 * @param password         password, or {@code null} for no username/password authentication
 * @param firmwareVersion  the version the devices report
 */
public record FleetConfig(String host, int port, int devices, Duration interval, String factory, SensorMix mix,
    long seed, MqttVersion mqttVersion, Duration heartbeat, int bufferCapacity, Duration backoffBase,
    Duration backoffCap, int connectRate, TlsSettings tls, String username, String password,
    String firmwareVersion) {
  /** Fastest telemetry rate of a device: 10 Hz, the top of the PRD's 1-10 Hz range. */
  public static final Duration MIN_INTERVAL = Duration.ofMillis(100);
  /** Slowest telemetry interval of FR-1.4. */
  public static final Duration MAX_INTERVAL = Duration.ofSeconds(60);

  public FleetConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(factory, "factory");
    Objects.requireNonNull(mix, "mix");
    Objects.requireNonNull(mqttVersion, "mqttVersion");
    if (devices < 1) {
      throw new IllegalArgumentException("devices must be at least 1, not " + devices);
    }
    if (interval.compareTo(MIN_INTERVAL) < 0 || interval.compareTo(MAX_INTERVAL) > 0) {
      throw new IllegalArgumentException("interval must be between 100 ms (10 Hz) and 60 s, not " + interval);
    }
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, not " + heartbeat);
    }
    if (connectRate < 1) {
      throw new IllegalArgumentException("connect rate must be at least 1 per second, not " + connectRate);
    }
  }

  /** The firmware defaults: 1 s interval, 60 s heartbeat, 1000 buffered, backoff 1 s to 30 s. */
  public static FleetConfig defaults(String host, int port, int devices) {
    return new FleetConfig(host, port, devices, Duration.ofSeconds(1), "factory-a", SensorMix.DEFAULT, 1L,
        MqttVersion.V5, Duration.ofSeconds(60), OfflineBuffer.FIRMWARE_CAPACITY, Duration.ofSeconds(1),
        Duration.ofSeconds(30), 200, null, null, null, "1.2.3");
  }

  public FleetConfig withInterval(Duration value) {
    return new FleetConfig(host, port, devices, value, factory, mix, seed, mqttVersion, heartbeat, bufferCapacity,
        backoffBase, backoffCap, connectRate, tls, username, password, firmwareVersion);
  }

  public FleetConfig withIdentity(String factoryValue, SensorMix mixValue, long seedValue) {
    return new FleetConfig(host, port, devices, interval, factoryValue, mixValue, seedValue, mqttVersion, heartbeat,
        bufferCapacity, backoffBase, backoffCap, connectRate, tls, username, password, firmwareVersion);
  }

  public FleetConfig withMqttVersion(MqttVersion value) {
    return new FleetConfig(host, port, devices, interval, factory, mix, seed, value, heartbeat, bufferCapacity,
        backoffBase, backoffCap, connectRate, tls, username, password, firmwareVersion);
  }

  /** Heartbeat and reconnect timing; tests shorten them. */
  public FleetConfig withTiming(Duration heartbeatValue, Duration backoffBaseValue, Duration backoffCapValue) {
    return new FleetConfig(host, port, devices, interval, factory, mix, seed, mqttVersion, heartbeatValue,
        bufferCapacity, backoffBaseValue, backoffCapValue, connectRate, tls, username, password, firmwareVersion);
  }

  public FleetConfig withBuffer(int capacity) {
    return new FleetConfig(host, port, devices, interval, factory, mix, seed, mqttVersion, heartbeat, capacity,
        backoffBase, backoffCap, connectRate, tls, username, password, firmwareVersion);
  }

  public FleetConfig withConnectRate(int value) {
    return new FleetConfig(host, port, devices, interval, factory, mix, seed, mqttVersion, heartbeat, bufferCapacity,
        backoffBase, backoffCap, value, tls, username, password, firmwareVersion);
  }

  public FleetConfig withSecurity(TlsSettings tlsValue, String usernameValue, String passwordValue) {
    return new FleetConfig(host, port, devices, interval, factory, mix, seed, mqttVersion, heartbeat, bufferCapacity,
        backoffBase, backoffCap, connectRate, tlsValue, usernameValue, passwordValue, firmwareVersion);
  }

  /** The username {@code device} logs in with: the fixed one, else its device_id; {@code null} without a password. */
  public String usernameOf(DeviceSpec device) {
    if (password == null && username == null) {
      return null;
    }
    return username != null ? username : device.deviceId();
  }

  @Override
  public String toString() {
    // Never print the password.
    return "FleetConfig[" + host + ":" + port + ", devices=" + devices + ", interval=" + interval + ", factory="
        + factory + ", seed=" + seed + ", mqtt=" + mqttVersion.label() + ", tls=" + (tls != null) + "]";
  }
}
