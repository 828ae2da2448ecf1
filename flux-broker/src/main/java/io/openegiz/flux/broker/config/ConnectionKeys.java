package io.openegiz.flux.broker.config;

import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.util.Map;

/**
 * Flux's broker-wide connection keys: connections per identity, the CONNECT size and unauthenticated
 * connections per address (loopback exempted by the login limits' {@code auth_exempt_loopback}).
 * Mosquitto's per-listener {@code max_connections} is in {@link ListenerKeys}.
 */
final class ConnectionKeys {
  private ConnectionKeys() {}

  /** Smallest CONNECT that can exist: Mosquitto refuses a max_packet_size below this too. */
  static final int MIN_CONNECT_SIZE = 20;

  /** What the keys said, collected while the file is read. */
  static final class Acc {
    int perIdentity = ConnectionLimits.DEFAULT_MAX_CONNECTIONS_PER_IDENTITY;
    int connectSize = ConnectionLimits.DEFAULT_MAX_CONNECT_SIZE;
    int unauthenticated = ConnectionLimits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS;

    ConnectionLimits build() {
      return new ConnectionLimits(perIdentity, connectSize, unauthenticated);
    }
  }

  static void register(Map<String, Key> k) {
    k.put("max_connections_per_identity", new Key("an integer from 0 (no limit) to 10000000: live connections"
        + " one username or certificate identity may hold", 1, 1, (s, d) -> {
          Long n = s.number(d, d.args().get(0), 0, 10_000_000);
          if (n != null) s.connections.perIdentity = n.intValue();
        }));
    k.put("max_connect_size", new Key("an integer from " + MIN_CONNECT_SIZE + " to " + ConfigParser.MQTT_MAX_SIZE
        + " bytes", 1, 1, (s, d) -> {
          Long n = s.number(d, d.args().get(0), MIN_CONNECT_SIZE, ConfigParser.MQTT_MAX_SIZE);
          if (n != null) s.connections.connectSize = n.intValue();
        }));
    k.put("max_unauthenticated_per_address", new Key("an integer from 0 (no limit) to 1000000: connections"
        + " from one address not yet accepted by a CONNACK", 1, 1, (s, d) -> {
          Long n = s.number(d, d.args().get(0), 0, 1_000_000);
          if (n != null) s.connections.unauthenticated = n.intValue();
        }));
  }
}
