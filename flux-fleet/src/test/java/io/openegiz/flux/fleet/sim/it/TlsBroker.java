package io.openegiz.flux.fleet.sim.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.fleet.sim.TlsSettings;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import io.openegiz.flux.pki.CertificateStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * An in-process Flux broker as production runs it for devices: a TLS 1.3 listener that requires a client
 * certificate from the internal CA (CRL checked), takes the certificate's CN as username and applies the
 * shipped ACL, with certificates made as {@code flux certs} makes them.
 */
final class TlsBroker implements AutoCloseable {
  /** The shipped ACL, from the repository root (tests run in the module directory). */
  static final Path SHIPPED_ACL = Path.of("..", "deploy", "mosquitto-style", "acl.conf").toAbsolutePath().normalize();
  private static final Duration LEAF_DAYS = Duration.ofDays(1);

  private final CertificateStore store;
  private final Path certDir;
  private final Path auditLog;
  private final List<String> conf;
  private FluxBroker broker;
  private final int port;

  /** Makes a CA, a server certificate for 127.0.0.1 and one client certificate per name, then starts. */
  TlsBroker(Path dir, List<String> clientNames) throws Exception {
    certDir = dir.resolve("certs");
    auditLog = dir.resolve("audit.log");
    store = CertificateStore.create(certDir, "Fleet IT CA", KeyType.EC, Duration.ofDays(2), false);
    store.server("server", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, LEAF_DAYS, false);
    for (String name : clientNames) {
      store.device(name, KeyType.EC, LEAF_DAYS, false);
    }
    conf = List.of(
        "certfile " + store.certFile(Kind.SERVER, "server"),
        "keyfile " + store.keyFile(Kind.SERVER, "server"),
        "cafile " + store.caFile(),
        "crlfile " + store.crlFile(),
        "require_certificate true",
        "use_identity_as_username true",
        "allow_anonymous false",
        "acl_file " + SHIPPED_ACL,
        "audit_log " + auditLog);
    broker = start(0);
    port = broker.port();
  }

  private FluxBroker start(int port) throws ConfigException {
    List<String> lines = new ArrayList<>();
    lines.add("listener " + port + " 127.0.0.1");
    lines.addAll(conf);
    return FluxBroker.builder(ConfigParser.parse("flux.conf", lines).config()).build().start();
  }

  /** Stops the broker and starts a new one on the same port, with the same configuration. */
  void restart() throws ConfigException {
    stop();
    startAgain();
  }

  /** Stops the broker: its port refuses connections until {@link #startAgain()}. */
  void stop() {
    broker.close();
  }

  /** Starts a new broker on the port of the first, with the same configuration. */
  void startAgain() throws ConfigException {
    broker = start(port);
  }

  /** The PEM files a non-Java client (mosquitto_pub, flux-device) uses as {@code name}. */
  ClientFiles clientFiles(String name) {
    return new ClientFiles(store.caFile(), store.certFile(Kind.DEVICE, name), store.keyFile(Kind.DEVICE, name));
  }

  /** CA certificate, client certificate and its key. */
  record ClientFiles(Path ca, Path cert, Path key) {
  }

  int port() {
    return port;
  }

  /** The broker's certificate and key, which {@code flux ota serve} also uses. */
  ClientFiles serverFiles() {
    return new ClientFiles(store.caFile(), store.certFile(Kind.SERVER, "server"), store.keyFile(Kind.SERVER, "server"));
  }

  /** The directory to give {@code flux fleet --cert-dir}. */
  Path certDir() {
    return certDir;
  }

  /** TLS as the client {@code name} (its certificate's CN), trusting the internal CA. */
  MqttClientSslConfig clientSsl(String name) {
    return new TlsSettings(store.caFile(), store.certFile(Kind.DEVICE, name), store.keyFile(Kind.DEVICE, name),
        false).toSslConfig();
  }

  /** A HiveMQ MQTT 5 client with the certificate of {@code name} as its identity (and client id), connected. */
  com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient connect(String name) throws Exception {
    var client = MqttClient.builder().useMqttVersion5().identifier(name).serverHost("127.0.0.1").serverPort(port())
        .sslConfig(clientSsl(name)).buildAsync();
    client.connect().get(10, TimeUnit.SECONDS);
    return client;
  }

  /** What {@code flux certs revoke --dir DIR name} does: the broker notices the new CRL within seconds. */
  void revoke(String name) throws Exception {
    store.revoke(Kind.DEVICE, List.of(name));
  }

  /** Whether {@code name}'s certificate gets a CONNACK now. */
  boolean accepts(String name) {
    var client = MqttClient.builder().useMqttVersion5().identifier("probe-" + UUID.randomUUID())
        .serverHost("127.0.0.1").serverPort(port()).sslConfig(clientSsl(name)).buildAsync();
    try {
      client.connect().get(5, TimeUnit.SECONDS);
      client.disconnect();
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  String auditLog() throws IOException {
    return Files.exists(auditLog) ? Files.readString(auditLog) : "";
  }

  @Override
  public void close() {
    broker.close();
  }
}
