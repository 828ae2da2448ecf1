package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import org.junit.jupiter.api.Test;

/** The connection-cap keys: Mosquitto's per-listener max_connections and Flux's broker-wide caps. */
class ConnectionKeysTest {

  @Test
  void maxConnectionsBelongsToTheListenerAboveItAsInMosquitto() throws ConfigException {
    BrokerConfig c = config("max_connections 10", "port 1883", "bind_address 127.0.0.1", "listener 1884 127.0.0.1",
        "max_connections 500",
        "listener 1885 127.0.0.1");
    assertThat(c.listeners()).extracting(ListenerConfig::port, ListenerConfig::maxConnections)
        .containsExactly(tuple(1883, 10),
            tuple(1884, 500),
            tuple(1885, -1));
    assertThat(config("listener 1883 127.0.0.1", "max_connections -1").listeners().get(0).maxConnections())
        .isEqualTo(ListenerConfig.UNLIMITED);
  }

  @Test
  void badMaxConnectionsSayWhatIsAccepted() {
    assertThat(errors("listener 1883 127.0.0.1", "max_connections 0", "max_connections -2", "max_connections x"))
        .containsExactly(
            "flux.conf:2: max_connections: 0 would refuse every client; accepted: -1 (unlimited, the default)"
                + " or an integer from 1 to 10000000",
            "flux.conf:3: max_connections: -2 is out of range; accepted: -1 (unlimited, the default) or an"
                + " integer from 1 to 10000000",
            "flux.conf:4: max_connections: \"x\" is not a number; accepted: -1 (unlimited, the default) or an"
                + " integer from 1 to 10000000");
  }

  @Test
  void brokerWideCapsHaveSafeDefaultsAndAreRead() throws ConfigException {
    assertThat(config().connectionLimits()).isEqualTo(new ConnectionLimits(1000, 65536, 64));
    assertThat(config("max_connections_per_identity 4", "max_connect_size 4096", "max_unauthenticated_per_address 0")
        .connectionLimits()).isEqualTo(new ConnectionLimits(4, 4096, 0));
  }

  @Test
  void badBrokerWideCapsAreAllReported() {
    assertThat(errors("max_connections_per_identity -1", "max_connect_size 19", "max_connect_size 268435456",
        "max_unauthenticated_per_address lots")).containsExactly(
            "flux.conf:1: max_connections_per_identity: -1 is out of range; accepted: an integer from 0 (no limit)"
                + " to 10000000: live connections one username or certificate identity may hold",
            "flux.conf:2: max_connect_size: 19 is out of range; accepted: an integer from 20 to 268435455 bytes",
            "flux.conf:3: max_connect_size: 268435456 is out of range; accepted: an integer from 20 to 268435455"
                + " bytes",
            "flux.conf:4: max_unauthenticated_per_address: \"lots\" is not a number; accepted: an integer from 0"
                + " (no limit) to 1000000: connections from one address not yet accepted by a CONNACK");
  }
}
