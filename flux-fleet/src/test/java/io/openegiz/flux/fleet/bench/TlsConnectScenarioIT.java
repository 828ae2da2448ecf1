package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tls-connect against an in-process Flux TLS listener: every client gets its CONNACK, with and without
 * client certificates.
 */
class TlsConnectScenarioIT {

  @Test
  void everyClientConnectsOverTls13(@TempDir Path dir) throws Exception {
    BenchTls tls = BenchTls.generate(dir);
    for (boolean clientCerts : new boolean[] {false, true}) {
      TlsConfig tlsConfig = new TlsConfig(tls.certFile(), tls.keyFile(), clientCerts ? tls.caFile() : null, null,
          List.of("TLSv1.3"), null, null, clientCerts, clientCerts, false);
      BrokerConfig config = BrokerConfig.builder()
          .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "it", tlsConfig, false))).build();
      try (FluxBroker broker = FluxBroker.builder(config).build().start()) {
        TlsConnectConfig c = new TlsConnectConfig("127.0.0.1", broker.port(), 20, 10, 5, clientCerts,
            MqttVersion.V3_1_1, 1);
        TlsConnectReport r = new TlsConnectScenario(c, tls.clientContext(clientCerts), "flux", s -> {}).run();
        assertThat(r.allConnected()).as(r.text()).isTrue();
        assertThat(r.sequential().handshake().count()).isEqualTo(5);
        assertThat(r.burst().connack().count()).isEqualTo(20);
        assertThat(r.burst().connack().p50()).isGreaterThanOrEqualTo(r.burst().handshake().p50());
        Path json = dir.resolve("r.json");
        TlsConnectReport.write(List.of(r), "test machine", json, dir.resolve("r.html"));
        assertThat(Files.readString(json)).contains("\"burst\"");
        assertThat(Files.readString(dir.resolve("r.html"))).contains("<svg");
      }
    }
  }
}
