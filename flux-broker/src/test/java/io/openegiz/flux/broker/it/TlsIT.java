package io.openegiz.flux.broker.it;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.Pem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS listeners with material made at test time (nothing that expires is kept in the repository):
 * TLS 1.3 only by default, client certificates as identities, expired/revoked/untrusted certificates
 * refused, and certificate rotation without a restart.
 */
class TlsIT {
  private static final Duration DAY = Duration.ofDays(1);

  @TempDir
  Path dir;

  private CertificateAuthority ca;
  private Path caFile;
  private Path certFile;
  private Path keyFile;
  private Path crlFile;
  private Issued revoked;

  @BeforeEach
  void material() throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir);
    ca = tls.ca();
    caFile = tls.caFile();
    certFile = tls.certFile();
    keyFile = tls.keyFile();
    revoked = ca.client("esp32-revoked", KeyType.EC, DAY);
    crlFile = dir.resolve("ca.crl");
    Files.writeString(crlFile, Pem.text(ca.crl(List.of(revoked.certificate()), DAY)));
  }

  private FluxBroker broker(boolean requireCertificate) {
    TlsConfig tls = new TlsConfig(certFile, keyFile, requireCertificate ? caFile : null,
        requireCertificate ? crlFile : null, List.of("TLSv1.3"), null, null, requireCertificate,
        requireCertificate, false);
    BrokerConfig config = BrokerConfig.builder()
        .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "test").withTls(tls))).build();
    return FluxBroker.builder(config).build().start();
  }

  static MqttClientSslConfig ssl(X509Certificate trusted, Issued clientCert, String protocol) throws Exception {
    var b = MqttClientSslConfig.builder().trustManagerFactory(trust(trusted))
        .protocols(List.of(protocol)).hostnameVerifier((h, s) -> true);
    return clientCert == null ? b.build() : b.keyManagerFactory(keys(clientCert)).build();
  }

  /** Trusts {@code trusted} only. */
  static TrustManagerFactory trust(X509Certificate trusted) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", trusted);
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    return tmf;
  }

  /** Presents {@code clientCert}. */
  static KeyManagerFactory keys(Issued clientCert) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("client", clientCert.key(), new char[0], new X509Certificate[] {clientCert.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return kmf;
  }

  private static Mqtt5BlockingClient client(FluxBroker broker, MqttClientSslConfig ssl) {
    return Mqtt5Client.builder().identifier("c-" + UUID.randomUUID()).serverHost("127.0.0.1")
        .serverPort(broker.port()).sslConfig(ssl).buildBlocking();
  }

  @Test
  void tls13ClientConnectsAndExchangesMessages() throws Exception {
    try (FluxBroker broker = broker(false)) {
      Mqtt5BlockingClient c = client(broker, ssl(ca.ca().certificate(), null, "TLSv1.3"));
      c.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes pubs = c.publishes(MqttGlobalPublishFilter.ALL)) {
        c.subscribeWith().topicFilter("t").qos(MqttQos.AT_LEAST_ONCE).send();
        c.publishWith().topic("t").payload(new byte[] {42}).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(pubs.receive(5, TimeUnit.SECONDS))
            .hasValueSatisfying(p -> assertThat(p.getPayloadAsBytes()).containsExactly(42));
      }
      c.disconnect();
    }
  }

  @Test
  void tls12IsRefusedUnlessConfigured() throws Exception {
    try (FluxBroker broker = broker(false)) {
      Mqtt5BlockingClient c = client(broker, ssl(ca.ca().certificate(), null, "TLSv1.2"));
      assertThatThrownBy(c::connect).isNotNull();
    }
  }

  @Test
  void clientCertificateCommonNameBecomesTheUsername() throws Exception {
    try (FluxBroker broker = broker(true)) {
      Issued device = ca.client("esp32-oven001-elec", KeyType.EC, DAY);
      Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("dev-1").serverHost("127.0.0.1")
          .serverPort(broker.port()).sslConfig(ssl(ca.ca().certificate(), device, "TLSv1.3")).buildBlocking();
      c.connect();
      assertThat(broker.context().sessions().get("dev-1").identity().username()).isEqualTo("esp32-oven001-elec");
      c.disconnect();
    }
  }

  @Test
  void rsaClientCertificateIsAcceptedToo() throws Exception {
    try (FluxBroker broker = broker(true)) {
      Issued device = ca.client("esp32-rsa", KeyType.RSA, DAY);
      Mqtt5BlockingClient c = client(broker, ssl(ca.ca().certificate(), device, "TLSv1.3"));
      c.connect();
      c.disconnect();
    }
  }

  @Test
  void expiredRevokedUntrustedAndMissingCertificatesAreRefused() throws Exception {
    try (FluxBroker broker = broker(true)) {
      Issued expired = ca.client("esp32-expired", KeyType.EC, Instant.now().minus(Duration.ofDays(10)), DAY);
      Issued untrusted = CertificateAuthority.create("other-ca", KeyType.EC, DAY).client("intruder", KeyType.EC, DAY);
      X509Certificate trusted = ca.ca().certificate();
      for (Issued bad : new Issued[] {expired, revoked, untrusted, null}) {
        Mqtt5BlockingClient c = client(broker, ssl(trusted, bad, "TLSv1.3"));
        assertThatThrownBy(c::connect)
            .as(bad == null ? "no certificate" : bad.certificate().getSubjectX500Principal().getName())
            .isNotNull();
      }
      assertThat(broker.metrics().connectionsTotal()).isZero();
    }
  }

  @Test
  void rotatedServerCertificateServesNewConnectionsWhileOldOnesContinue() throws Exception {
    try (FluxBroker broker = broker(false)) {
      Mqtt5BlockingClient old = client(broker, ssl(ca.ca().certificate(), null, "TLSv1.3"));
      old.connect();

      CertificateAuthority next = CertificateAuthority.create("flux-test-ca-2", KeyType.EC, DAY);
      next.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, DAY).write(certFile, keyFile);

      // Noticed by the file watch, without SIGHUP or restart.
      await().atMost(Duration.ofSeconds(15)).ignoreExceptions().untilAsserted(() -> {
        Mqtt5BlockingClient fresh = client(broker, ssl(next.ca().certificate(), null, "TLSv1.3"));
        fresh.connect();
        fresh.disconnect();
      });
      try (Mqtt5BlockingClient.Mqtt5Publishes pubs = old.publishes(MqttGlobalPublishFilter.ALL)) {
        old.subscribeWith().topicFilter("still").qos(MqttQos.AT_LEAST_ONCE).send();
        old.publishWith().topic("still").payload(new byte[] {7}).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(pubs.receive(5, TimeUnit.SECONDS)).isPresent();
      }
      old.disconnect();
    }
  }

  @Test
  void aBrokenReplacementKeepsThePreviousMaterial() throws Exception {
    try (FluxBroker broker = broker(false)) {
      Files.writeString(keyFile, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");
      broker.reload(); // what SIGHUP does
      Mqtt5BlockingClient c = client(broker, ssl(ca.ca().certificate(), null, "TLSv1.3"));
      c.connect();
      c.disconnect();
    }
  }

  @Test
  void mosquittoClientsConnectWithTheirCertificates() throws Exception {
    try (FluxBroker broker = broker(true)) {
      Issued device = ca.client("esp32-mixer001-elec", KeyType.EC, DAY);
      Path cert = dir.resolve("dev.crt");
      Path key = dir.resolve("dev.key");
      device.write(cert, key);
      Process sub = new ProcessBuilder("mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port()),
          "--cafile", caFile.toString(), "--cert", cert.toString(), "--key", key.toString(), "--insecure",
          "-t", "m/#", "-C", "1", "-W", "10", "-i", "msub").redirectErrorStream(true).start();
      await().atMost(Duration.ofSeconds(10)).until(() -> broker.context().sessions().get("msub") != null);
      Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port()),
          "--cafile", caFile.toString(), "--cert", cert.toString(), "--key", key.toString(), "--insecure",
          "-t", "m/x", "-m", "over-tls", "-q", "1").redirectErrorStream(true).start();
      assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(pub.exitValue()).as(new String(pub.getInputStream().readAllBytes())).isZero();
      assertThat(sub.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(new String(sub.getInputStream().readAllBytes()).trim()).isEqualTo("over-tls");
    }
  }
}
