package io.openegiz.flux.cli;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.pki.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Files made by {@code flux certs} work end to end: a Flux TLS listener accepts a device certificate
 * (HiveMQ and mosquitto_pub), refuses it once revoked (reloading the CRL by itself), and openssl agrees.
 */
class CertsIT {
  @TempDir
  Path dir;

  private int certs(String... args) {
    List<String> all = new ArrayList<>(List.of("certs"));
    all.addAll(List.of(args));
    return new CommandLine(new FluxCommand()).execute(all.toArray(String[]::new));
  }

  @Test
  void brokerOpensslAndMosquittoAcceptTheFilesAndHonourRevocation() throws Exception {
    String d = dir.toString();
    assertThat(certs("ca", "--dir", d)).isZero();
    assertThat(certs("server", "--dir", d, "--dns", "localhost", "--ip", "127.0.0.1")).isZero();
    assertThat(certs("device", "--dir", d, "esp32-good", "esp32-bad")).isZero();
    assertThat(certs("device", "--dir", d, "--rsa", "esp32-rsa")).isZero();
    for (String id : List.of("esp32-good", "esp32-bad", "esp32-rsa")) {
      assertThat(openssl("verify", "-CAfile", "ca.crt", "-crl_check", "-CRLfile", "ca.crl", "devices/" + id + ".crt"))
          .isZero();
    }

    TlsConfig tls = new TlsConfig(dir.resolve("server.crt"), dir.resolve("server.key"), dir.resolve("ca.crt"),
        dir.resolve("ca.crl"), List.of("TLSv1.3", "TLSv1.2"), null, null, true, true, false);
    BrokerConfig config = BrokerConfig.builder()
        .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "tls").withTls(tls))).build();
    try (FluxBroker broker = FluxBroker.builder(config).build().start()) {
      connect(broker, "esp32-good");
      connect(broker, "esp32-rsa");
      connect(broker, "esp32-bad");
      Mqtt5BlockingClient held = Mqtt5Client.builder().identifier("held").serverHost("localhost")
          .serverPort(broker.port()).sslConfig(ssl("esp32-good")).buildBlocking();
      held.connect();
      assertThat(broker.context().sessions().get("held").identity().username()).isEqualTo("esp32-good");
      held.disconnect();
      assertThat(mosquittoPub(broker.port(), "esp32-good")).isZero();

      assertThat(certs("revoke", "--dir", d, "esp32-bad")).isZero();
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
          .untilAsserted(() -> assertThatThrownBy(() -> connect(broker, "esp32-bad")).isNotNull());
      assertThat(mosquittoPub(broker.port(), "esp32-bad")).isNotZero();
      connect(broker, "esp32-good");
      assertThat(mosquittoPub(broker.port(), "esp32-good")).isZero();
    }
    assertThat(openssl("verify", "-CAfile", "ca.crt", "-crl_check", "-CRLfile", "ca.crl", "devices/esp32-bad.crt"))
        .isNotZero();
    assertThat(openssl("verify", "-CAfile", "ca.crt", "-crl_check", "-CRLfile", "ca.crl", "devices/esp32-good.crt"))
        .isZero();
  }

  private void connect(FluxBroker broker, String id) throws Exception {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("localhost").serverPort(broker.port())
        .sslConfig(ssl(id)).buildBlocking();
    c.connect();
    c.disconnect();
  }

  /** Trusts ca.crt and presents devices/ID.crt, checking the host name against the server's SANs. */
  private MqttClientSslConfig ssl(String id) throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", Pem.certificate(dir.resolve("ca.crt")));
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry("device", Pem.privateKey(dir.resolve("devices/" + id + ".key")),
        new char[0],
        new X509Certificate[] {Pem.certificate(dir.resolve("devices/" + id + ".crt"))});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    return MqttClientSslConfig.builder().trustManagerFactory(tmf).keyManagerFactory(kmf).build();
  }

  private int mosquittoPub(int port, String id) throws Exception {
    return run(List.of("mosquitto_pub", "-h", "localhost", "-p", "" + port, "-i", id + "-cli", "--cafile", "ca.crt",
        "--cert", "devices/" + id + ".crt", "--key", "devices/" + id + ".key", "-t", "t", "-m", "x"));
  }

  private int openssl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("openssl"));
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  private int run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
    System.out.println(String.join(" ", cmd) + " -> " + p.exitValue() + ": " + output.strip());
    return p.exitValue();
  }
}
