package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MetricsEndpointIT.sample;
import static io.openegiz.flux.broker.it.MetricsEndpointIT.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.Pem;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on /metrics: handshakes and their failures by reason, from HiveMQ clients with a good, a revoked and no
 * certificate and from a plain-TCP client; the expiry of the server and CA certificates and the CRL's
 * next update, as the files say.
 */
class TlsMetricsIT {
  private static final Duration DAY = Duration.ofDays(1);

  @TempDir
  Path dir;

  @Test
  void handshakesFailuresAndExpiryAreExported() throws Exception {
    TlsMaterial m = TlsMaterial.create(dir);
    Issued good = m.ca().client("esp32-good", KeyType.EC, DAY);
    Issued revoked = m.ca().client("esp32-revoked", KeyType.EC, DAY);
    Path crl = Files.writeString(dir.resolve("ca.crl"), Pem.text(m.ca().crl(List.of(revoked.certificate()), DAY)));
    TlsConfig tls = new TlsConfig(m.certFile(), m.keyFile(), m.caFile(), crl, List.of("TLSv1.3"), null, null, true,
        true, false);
    try (TestBroker broker = TestBroker.start(b -> b.allowAnonymous(false)
        .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "test").withTls(tls)))
        .http(new HttpConfig(0, "127.0.0.1", "test")))) {
      Mqtt5BlockingClient ok = client(broker, TlsIT.ssl(m.ca().ca().certificate(), good, "TLSv1.3"));
      ok.connect();
      ok.disconnect();
      assertThatThrownBy(() -> client(broker, TlsIT.ssl(m.ca().ca().certificate(), revoked, "TLSv1.3")).connect());
      assertThatThrownBy(() -> client(broker, TlsIT.ssl(m.ca().ca().certificate(), null, "TLSv1.3")).connect());
      try (Socket plain = new Socket("127.0.0.1", broker.port())) {
        plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        plain.getOutputStream().flush();
        assertThat(plain.getInputStream().read()).isEqualTo(-1); // closed: not TLS
      }
      String listener = "listener=\"127.0.0.1:" + broker.port() + "\"";
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        String page = scrape(http, broker);
        assertThat(sample(page, "flux_tls_handshakes_total{" + listener + "}")).isEqualTo(1.0);
        assertThat(sample(page, "flux_tls_handshake_failures_total{" + listener + ",reason=\"certificate_revoked\"}"))
            .isEqualTo(1.0);
        assertThat(sample(page, "flux_tls_handshake_failures_total{" + listener + ",reason=\"no_certificate\"}"))
            .isEqualTo(1.0);
        assertThat(sample(page, "flux_tls_handshake_failures_total{" + listener + ",reason=\"protocol\"}"))
            .isEqualTo(1.0);
        assertThat(sample(page, "flux_tls_handshake_failures_total{" + listener + ",reason=\"other\"}")).isZero();
        assertThat(sample(page, "flux_tls_certificate_expiry_timestamp_seconds{certificate=\"server\"," + listener
            + "}")).isEqualTo(seconds(m.certFile()));
        assertThat(sample(page, "flux_tls_certificate_expiry_timestamp_seconds{certificate=\"ca\"," + listener + "}"))
            .isEqualTo((double) (m.ca().ca().certificate().getNotAfter().getTime() / 1000));
        assertThat(sample(page, "flux_tls_crl_next_update_timestamp_seconds{" + listener + "}")).isPositive();
      });
    }
  }

  private static double seconds(Path pem) throws Exception {
    try (var in = Files.newInputStream(pem)) {
      var cert = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
          .generateCertificate(in);
      return cert.getNotAfter().getTime() / 1000;
    }
  }

  private static Mqtt5BlockingClient client(TestBroker broker, com.hivemq.client.mqtt.MqttClientSslConfig ssl) {
    return Mqtt5Client.builder().identifier("c-" + System.nanoTime()).serverHost("127.0.0.1")
        .serverPort(broker.port()).sslConfig(ssl).buildBlocking();
  }
}
