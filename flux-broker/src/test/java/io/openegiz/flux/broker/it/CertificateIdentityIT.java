package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.security.OddCertificates;
import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener with {@code use_identity_as_username}: a certificate whose CN holds a control
 * character, or that carries several CNs, is a valid certificate from the right CA but no identity.
 * Real clients are refused with "not authorized" and nothing more on the wire; the audit says why.
 */
class CertificateIdentityIT {
  private static final Duration DAY = Duration.ofDays(1);

  @TempDir
  Path dir;

  private CertificateAuthority ca;
  private Path caFile;
  private Path audit;
  private FluxBroker broker;

  @BeforeEach
  void start() throws Exception {
    TlsMaterial tls = TlsMaterial.create(dir);
    ca = tls.ca();
    caFile = tls.caFile();
    audit = dir.resolve("audit.log");
    broker = FluxBroker.builder(ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1",
        "certfile " + tls.certFile(), "keyfile " + tls.keyFile(), "cafile " + caFile, "require_certificate true",
        "use_identity_as_username true", "allow_anonymous false", "audit_log " + audit)).config()).build().start();
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private Mqtt5ConnAck connect5(String clientId, Issued cert) throws Exception {
    var c = Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(broker.port())
        .sslConfig(TlsIT.ssl(ca.ca().certificate(), cert, "TLSv1.3")).buildBlocking();
    try {
      Mqtt5ConnAck ack = c.connect();
      c.disconnect();
      return ack;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage();
    }
  }

  private String auditLine(String clientId) throws java.io.IOException {
    String key = "\"client_id\":\"" + clientId + "\"";
    await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(audit)
        && Files.readAllLines(audit).stream().anyMatch(l -> l.contains(key)));
    return Files.readAllLines(audit).stream().filter(l -> l.contains(key)).findFirst().orElseThrow();
  }

  @Test
  void aCnWithNulIsRefusedWithAGenericReasonAndAuditedWithTheDetail() throws Exception {
    Issued nul = OddCertificates.client(ca, OddCertificates.subject(BCStyle.CN,
        new DERUTF8String("esp32-oven001-elec\u0000egizcore")));
    Mqtt5ConnAck ack = connect5("nul-cn", nul);
    assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(ack.getReasonString()).hasValueSatisfying(s -> assertThat(s.toString()).isEqualTo("not authorized"));
    assertThat(auditLine("nul-cn")).contains("\"event\":\"auth_failure\"")
        .contains("\"method\":\"certificate\"").contains("control character U+0000 at position 18")
        .doesNotContain("\u0000");
    assertThat(broker.context().sessions().get("nul-cn")).isNull();

    // mosquitto_pub, whose OpenSSL reads the certificate its own way, is refused the same.
    Path cert = dir.resolve("nul.crt");
    Path key = dir.resolve("nul.key");
    nul.write(cert, key);
    Process pub = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(broker.port()),
        "--cafile", caFile.toString(), "--cert", cert.toString(), "--key", key.toString(), "--insecure",
        "-V", "mqttv5", "-i", "nul-cn-mosq", "-t", "t", "-m", "x").redirectErrorStream(true).start();
    assertThat(pub.waitFor(10, TimeUnit.SECONDS)).isTrue();
    String out = new String(pub.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(pub.exitValue()).as(out).isNotZero();
    assertThat(out).containsIgnoringCase("not authori");
    assertThat(auditLine("nul-cn-mosq")).contains("control character U+0000");
  }

  @Test
  void aCnWithAControlCharacterIsRefusedOverMqtt311() throws Exception {
    Issued newline = OddCertificates.client(ca, OddCertificates.subject(BCStyle.CN,
        new DERUTF8String("esp32-oven001-elec\negizcore")));
    var c = Mqtt3Client.builder().identifier("newline-cn").serverHost("127.0.0.1").serverPort(broker.port())
        .sslConfig(TlsIT.ssl(ca.ca().certificate(), newline, "TLSv1.3")).buildBlocking();
    Mqtt3ConnAckException e = catchThrowableOfType(Mqtt3ConnAckException.class, c::connect);
    assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED);
    assertThat(auditLine("newline-cn")).contains("control character U+000A");
  }

  @Test
  void aCertificateWithSeveralCnsIsRefusedAsDocumented() throws Exception {
    Issued two = OddCertificates.client(ca, OddCertificates.subject(BCStyle.CN, new DERUTF8String("esp32-oven001-elec"),
        BCStyle.CN, new DERUTF8String("egizcore")));
    assertThat(connect5("two-cn", two).getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    assertThat(auditLine("two-cn")).contains("has 2 CNs; accepted: exactly one CN");
    assertThat(broker.context().sessions().get("two-cn")).isNull();

    // Eclipse Paho, over MQTT 3.1.1, presenting the same certificate.
    MqttConnectOptions options = new MqttConnectOptions();
    options.setSocketFactory(sslContext(two).getSocketFactory());
    options.setHttpsHostnameVerificationEnabled(false);
    try (MqttClient paho = new MqttClient("ssl://127.0.0.1:" + broker.port(), "two-cn-paho", new MemoryPersistence())) {
      MqttException e = catchThrowableOfType(MqttException.class, () -> paho.connect(options));
      assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
    }
    assertThat(auditLine("two-cn-paho")).contains("has 2 CNs");
  }

  private SSLContext sslContext(Issued client) throws Exception {
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(TlsIT.keys(client).getKeyManagers(), TlsIT.trust(ca.ca().certificate()).getTrustManagers(), null);
    return ctx;
  }

  @Test
  void aCertificateWithOneCnStillConnects() throws Exception {
    Issued good = ca.client("esp32-oven001-elec", KeyType.EC, DAY);
    assertThat(connect5("one-cn", good).getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    assertThat(auditLine("one-cn")).contains("\"event\":\"auth_success\"").contains("esp32-oven001-elec");
  }
}
