package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.archiver.mqtt.TlsFiles;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import io.openegiz.flux.pki.CertificateStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archiver over TLS 1.3 with a client certificate, against a Flux broker that requires one, takes its CN as
 * the username and applies an ACL that lets the archiver only read.
 */
class ArchiverTlsIT {
  @TempDir
  Path tmp;

  @Test
  void archivesOverTlsWithAClientCertificate() throws Exception {
    Duration day = Duration.ofDays(1);
    CertificateStore store = CertificateStore.create(tmp.resolve("certs"), "Archiver IT CA", KeyType.EC,
        day.multipliedBy(2), false);
    store.server("server", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, day, false);
    store.device("archiver-it", KeyType.EC, day, false);
    store.device("publisher-it", KeyType.EC, day, false);
    Path acl = tmp.resolve("acl.conf");
    Files.writeString(acl, "user archiver-it\ntopic read openegiz/#\nuser publisher-it\ntopic write openegiz/#\n");
    FluxBroker broker = FluxBroker.builder(ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1",
        "certfile " + store.certFile(Kind.SERVER, "server"), "keyfile " + store.keyFile(Kind.SERVER, "server"),
        "cafile " + store.caFile(), "require_certificate true", "use_identity_as_username true",
        "allow_anonymous false", "acl_file " + acl)).config()).build().start();
    Files.createDirectories(tmp.resolve("influx"));
    try (InfluxD influx = new InfluxD(tmp.resolve("influx"))) {
      List<Setting> settings = new ArrayList<>(ArchiverIT.settings(broker.port(), influx, "tls", tmp.resolve("dl")));
      settings.add(new Setting("test", "broker", "ssl://127.0.0.1:" + broker.port()));
      settings.add(new Setting("test", "cafile", store.caFile().toString()));
      settings.add(new Setting("test", "certfile", store.certFile(Kind.DEVICE, "archiver-it").toString()));
      settings.add(new Setting("test", "keyfile", store.keyFile(Kind.DEVICE, "archiver-it").toString()));
      try (Archiver archiver = Archiver.start(ArchiverConfig.parse(settings))) {
        await().atMost(ArchiverIT.WAIT).until(archiver::subscribed);
        Mqtt5BlockingClient publisher = MqttClient.builder().useMqttVersion5().identifier("publisher-it")
            .serverHost("127.0.0.1").serverPort(broker.port())
            .sslConfig(TlsFiles.sslConfig(store.caFile(), store.certFile(Kind.DEVICE, "publisher-it"),
                store.keyFile(Kind.DEVICE, "publisher-it")))
            .buildBlocking();
        publisher.connect();
        publisher.publishWith().topic("openegiz/factory-a/oven/oven-001/electrical/telemetry")
            .qos(MqttQos.AT_LEAST_ONCE).payload(ArchiverIT.example("electrical")).send();
        publisher.disconnect();
        await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().messagesAcked() == 1);
      }
      assertThat(Readings.stored(influx, "tls")).containsExactly("esp32-oven001-elec@1769682600123");
    } finally {
      broker.close();
    }
  }
}
