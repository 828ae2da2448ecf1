package io.openegiz.flux.broker.it;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientBuilder;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5ConnectBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.security.PasswordHash;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.Pem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The two high-severity holes of a hostile device, tried against Flux secured as docs/security.md
 * says: a password listener and a TLS 1.3 listener with client certificates as identities, the
 * shipped ACL (deploy/mosquitto-style/acl.conf), no anonymous access, the audit log on. A will must
 * pass the publish ACL (at CONNECT and again when it goes out, restored delayed wills included); a
 * session belongs to the identity that created it; and every queued or redelivered message is checked
 * against the receiver's read ACL when it is sent.
 */
class HostileDeviceIT {
  private static final Duration DAY = Duration.ofDays(1);
  private static final String OVEN = "esp32-oven001-elec";
  private static final String MIXER = "esp32-mixer001-elec";
  private static final String OVEN_TELEMETRY = "openegiz/factory-a/oven/oven-001/electrical/telemetry";
  private static final String OVEN_STATUS = "openegiz/factory-a/oven/oven-001/electrical/status";
  private static final String MIXER_CMD = "openegiz/factory-a/mixer/mixer-001/command";

  @TempDir
  Path dir;

  private Path acl;
  private Path audit;
  private CertificateAuthority ca;
  private final List<String> config = new ArrayList<>();

  @BeforeEach
  void secureAsDocumented() throws Exception {
    ca = CertificateAuthority.create("flux-test-ca", KeyType.EC, DAY);
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.ca().certificate()));
    ca.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, DAY)
        .write(dir.resolve("server.crt"), dir.resolve("server.key"));
    StringBuilder passwd = new StringBuilder();
    for (String user : List.of(OVEN, MIXER, "egizcore", "ml-service", "archiver")) {
      passwd.append(user).append(':')
          .append(PasswordHash.create(secret(user).getBytes(UTF_8), 101, new SecureRandom()).encoded()).append('\n');
    }
    Files.writeString(dir.resolve("passwd"), passwd);
    acl = Files.copy(AclIT.shipped("acl.conf"), dir.resolve("acl.conf"));
    audit = dir.resolve("audit.log");
    config.addAll(List.of("allow_anonymous false", "password_file " + dir.resolve("passwd"), "acl_file " + acl,
        "audit_log " + audit, "max_publish_rate 0",
        "listener 0 127.0.0.1",
        "listener 0 127.0.0.1", "cafile " + caFile, "certfile " + dir.resolve("server.crt"),
        "keyfile " + dir.resolve("server.key"), "require_certificate true", "use_identity_as_username true"));
  }

  private static String secret(String user) {
    return user + "-secret";
  }

  private FluxBroker start(String... extra) throws Exception {
    return start(Clock.systemUTC(), extra);
  }

  private FluxBroker start(Clock clock, String... extra) throws Exception {
    List<String> lines = new ArrayList<>(List.of(extra));
    lines.addAll(config);
    BrokerConfig cfg = ConfigParser.parse("flux.conf", lines).config();
    return FluxBroker.builder(cfg).clock(clock).build().start();
  }

  /** A password client of the first listener. */
  private static Mqtt5ClientBuilder password(FluxBroker b, String clientId, String user) {
    return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1").serverPort(b.port())
        .simpleAuth().username(user).password(secret(user).getBytes(UTF_8)).applySimpleAuth();
  }

  /** A client of the certificate listener, presenting a certificate whose CN is {@code cn}. */
  private Mqtt5ClientBuilder certificate(FluxBroker b, String clientId, String cn) throws Exception {
    return Mqtt5Client.builder().identifier(clientId).serverHost("127.0.0.1")
        .serverPort(b.boundAddresses().get(1).getPort())
        .sslConfig(TlsIT.ssl(ca.ca().certificate(), ca.client(cn, KeyType.EC, DAY), "TLSv1.3"));
  }

  private static Mqtt5ConnAckReasonCode connect(Mqtt5BlockingClient c,
      UnaryOperator<Mqtt5ConnectBuilder.Send<Mqtt5ConnAck>> how) {
    try {
      how.apply(c.connectWith()).send();
      return Mqtt5ConnAckReasonCode.SUCCESS;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  /** A persistent (session expiry 1 h) subscriber that has subscribed to {@code filter} at QoS 1. */
  private static Mqtt5BlockingClient subscriber(Mqtt5ClientBuilder b, String filter) {
    Mqtt5BlockingClient c = b.buildBlocking();
    c.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
    c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    return c;
  }

  private static void publish(FluxBroker b, String user, String topic, String payload) {
    Mqtt5BlockingClient c = password(b, "pub-" + UUID.randomUUID(), user).buildBlocking();
    c.connect();
    c.publishWith().topic(topic).payload(payload.getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    c.disconnect();
  }

  /** Everything {@code c} receives until {@code last} arrives (the marker sent after what must not come). */
  private static List<String> receivedUpTo(Mqtt5BlockingClient.Mqtt5Publishes in, String last) throws Exception {
    List<String> got = new ArrayList<>();
    while (!got.contains(last)) {
      Optional<Mqtt5Publish> p = in.receive(10, TimeUnit.SECONDS);
      assertThat(p).as("waiting for %s after %s", last, got).isPresent();
      got.add(p.get().getTopic() + "=" + new String(p.get().getPayloadAsBytes(), UTF_8));
    }
    return got;
  }

  private String auditLog() throws IOException {
    return Files.exists(audit) ? Files.readString(audit) : "";
  }

  private void awaitAudit(String... fragments) {
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(auditLog().lines())
        .anySatisfy(line -> assertThat(line).contains(fragments)));
  }

  // ---------------------------------------------------------------- 1. wills pass the publish ACL

  @Test
  void aRetainedWillOnAnotherMachinesCommandTopicIsRefusedAtConnectOverPasswordAndCertificate() throws Exception {
    try (FluxBroker b = start()) {
      Mqtt5BlockingClient mixer = subscriber(password(b, "mixer", MIXER), MIXER_CMD);
      try (Mqtt5BlockingClient.Mqtt5Publishes mixerIn = mixer.publishes(MqttGlobalPublishFilter.ALL)) {
        UnaryOperator<Mqtt5ConnectBuilder.Send<Mqtt5ConnAck>> hostileWill = cb -> cb.willPublish().topic(MIXER_CMD)
            .payload("{\"action\":\"stop\"}".getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).retain(true)
            .applyWillPublish();
        assertThat(connect(password(b, "oven-pw", OVEN).buildBlocking(), hostileWill))
            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
        assertThat(connect(certificate(b, "oven-cert", OVEN).buildBlocking(), hostileWill))
            .isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);

        // Nothing reached the mixer, and nothing was retained: EgizCore's command is the first thing it gets.
        publish(b, "egizcore", MIXER_CMD, "marker");
        assertThat(receivedUpTo(mixerIn, MIXER_CMD + "=marker")).containsExactly(MIXER_CMD + "=marker");
      }
      Mqtt5BlockingClient late = password(b, "late", MIXER).buildBlocking();
      late.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes lateIn = late.publishes(MqttGlobalPublishFilter.ALL)) {
        late.subscribeWith().topicFilter(MIXER_CMD).qos(MqttQos.AT_LEAST_ONCE).send();
        publish(b, "egizcore", MIXER_CMD, "marker-2");
        assertThat(receivedUpTo(lateIn, MIXER_CMD + "=marker-2")).containsExactly(MIXER_CMD + "=marker-2");
      }
      awaitAudit("\"event\":\"acl_denied\"", "\"client_id\":\"oven-pw\"", "\"action\":\"will\"", MIXER_CMD);
      awaitAudit("\"event\":\"acl_denied\"", "\"client_id\":\"oven-cert\"", "\"identity\":\"" + OVEN + "\"",
          "\"action\":\"will\"");
    }
  }

  @Test
  void mosquittoPubAsAnMqtt311DeviceWithAHostileWillIsRefusedNotAuthorised() throws Exception {
    try (FluxBroker b = start()) {
      Process p = new ProcessBuilder("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(b.port()),
          "-V", "mqttv311", "-i", "oven-311", "-u", OVEN, "-P", secret(OVEN), "--will-topic", MIXER_CMD,
          "--will-payload", "stop", "--will-qos", "1", "--will-retain", "-t", OVEN_TELEMETRY, "-m", "x", "-q", "1")
          .redirectErrorStream(true).start();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.exitValue()).as(out).isNotZero();
      assertThat(out).contains("not authorised"); // CONNACK return code 5
      awaitAudit("\"client_id\":\"oven-311\"", "\"action\":\"will\"");
    }
  }

  @Test
  void anAllowedWillGoesOutButNotOnceTheAclNoLongerAllowsIt() throws Exception {
    try (FluxBroker b = start()) {
      Mqtt5BlockingClient core = subscriber(password(b, "core", "egizcore"), "openegiz/#");
      try (Mqtt5BlockingClient.Mqtt5Publishes in = core.publishes(MqttGlobalPublishFilter.ALL)) {
        UnaryOperator<Mqtt5ConnectBuilder.Send<Mqtt5ConnAck>> statusWill = cb -> cb.willPublish().topic(OVEN_STATUS)
            .payload("offline".getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).applyWillPublish();
        Mqtt5BlockingClient allowed = certificate(b, "oven-a", OVEN).buildBlocking();
        assertThat(connect(allowed, statusWill)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        allowed.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        assertThat(receivedUpTo(in, OVEN_STATUS + "=offline")).containsExactly(OVEN_STATUS + "=offline");

        Mqtt5BlockingClient revoked = certificate(b, "oven-b", OVEN).buildBlocking();
        assertThat(connect(revoked, statusWill)).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
        // The operator takes the device's status right away while it is connected.
        Files.writeString(acl, Files.readString(acl).replace("topic write openegiz/+/+/oven-001/electrical/status\n",
            ""));
        b.reload();
        revoked.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
        awaitAudit("\"client_id\":\"oven-b\"", "\"action\":\"will\"", "\"when\":\"publish\"");
        publish(b, OVEN, OVEN_TELEMETRY, "marker");
        assertThat(receivedUpTo(in, OVEN_TELEMETRY + "=marker")).containsExactly(OVEN_TELEMETRY + "=marker");
      }
    }
  }

  @Test
  void aDelayedWillRestoredFromTheStoreIsCheckedAgainstTheAclInForceWhenItIsDue() throws Exception {
    String[] durable = {"persistence true", "persistence_location " + dir.resolve("store")};
    try (FluxBroker b = start(durable)) {
      subscriber(password(b, "core", "egizcore"), "openegiz/#").disconnect();
      Mqtt5BlockingClient oven = password(b, "oven", OVEN).buildBlocking();
      assertThat(connect(oven, cb -> cb.cleanStart(true).sessionExpiryInterval(3600).willPublish()
          .topic(OVEN_STATUS).payload("offline".getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).delayInterval(30)
          .applyWillPublish())).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    } // shutdown ends the oven's connection without DISCONNECT: its delayed will is stored
    Files.writeString(acl, Files.readString(acl).replace("topic write openegiz/+/+/oven-001/electrical/status\n", ""));
    try (FluxBroker b = start(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60)), durable)) {
      awaitAudit("\"client_id\":\"oven\"", "\"identity\":\"" + OVEN + "\"", "\"action\":\"will\"",
          "\"when\":\"publish\"");
      Mqtt5BlockingClient core = password(b, "core", "egizcore").buildBlocking();
      try (Mqtt5BlockingClient.Mqtt5Publishes in = core.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(core.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
            .isTrue();
        publish(b, OVEN, OVEN_TELEMETRY, "marker");
        assertThat(receivedUpTo(in, OVEN_TELEMETRY + "=marker")).containsExactly(OVEN_TELEMETRY + "=marker");
      }
    }
  }

  // ---------------------------------------------------------------- 2. a session belongs to its identity

  @Test
  void anotherIdentityPresentingAnOfflineSessionsClientIdIsRefusedAndTheOwnerGetsEverything() throws Exception {
    try (FluxBroker b = start()) {
      subscriber(password(b, "egizcore-main", "egizcore"), "openegiz/#").disconnect();
      for (int i = 0; i < 3; i++) {
        publish(b, OVEN, OVEN_TELEMETRY, "t" + i);
      }
      assertThat(connect(password(b, "egizcore-main", "ml-service").buildBlocking(),
          cb -> cb.cleanStart(false).sessionExpiryInterval(3600)))
          .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      assertThat(connect(certificate(b, "egizcore-main", OVEN).buildBlocking(), cb -> cb.cleanStart(true)))
          .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      awaitAudit("\"event\":\"session_refused\"", "\"client_id\":\"egizcore-main\"", "\"identity\":\"ml-service\"");

      Mqtt5BlockingClient owner = password(b, "egizcore-main", "egizcore").buildBlocking();
      try (Mqtt5BlockingClient.Mqtt5Publishes in = owner.publishes(MqttGlobalPublishFilter.ALL)) {
        Mqtt5ConnAck ack = owner.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
        assertThat(ack.isSessionPresent()).isTrue();
        assertThat(receivedUpTo(in, OVEN_TELEMETRY + "=t2")).containsExactly(OVEN_TELEMETRY + "=t0",
            OVEN_TELEMETRY + "=t1", OVEN_TELEMETRY + "=t2");
      }
    }
  }

  @Test
  void aLiveConnectionIsNotTakenOverByAnotherIdentity() throws Exception {
    try (FluxBroker b = start()) {
      Mqtt5BlockingClient owner = subscriber(password(b, "archiver-1", "archiver"), "openegiz/#");
      try (Mqtt5BlockingClient.Mqtt5Publishes in = owner.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(connect(certificate(b, "archiver-1", OVEN).buildBlocking(), cb -> cb.cleanStart(true)))
            .isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
        publish(b, OVEN, OVEN_TELEMETRY, "after");
        assertThat(receivedUpTo(in, OVEN_TELEMETRY + "=after")).containsExactly(OVEN_TELEMETRY + "=after");
        assertThat(owner.getState().isConnected()).isTrue();
      }
      // the owner itself still takes its own session over, as MQTT requires [MQTT-3.1.4-3]
      Mqtt5BlockingClient again = password(b, "archiver-1", "archiver").buildBlocking();
      assertThat(again.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
          .isTrue();
      await().atMost(Duration.ofSeconds(5)).until(() -> !owner.getState().isConnected());
    }
  }

  @Test
  void mosquittoSubAsAnMqtt311ServiceWithAnotherServicesClientIdIsRefusedIdentifierRejected() throws Exception {
    try (FluxBroker b = start()) {
      subscriber(password(b, "egizcore-311", "egizcore"), "openegiz/#").disconnect();
      Process p = new ProcessBuilder("/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", String.valueOf(b.port()),
          "-V", "mqttv311", "-c", "-i", "egizcore-311", "-u", "ml-service", "-P", secret("ml-service"),
          "-t", "openegiz/#", "-q", "1", "-C", "1", "-W", "5").redirectErrorStream(true).start();
      assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.exitValue()).as(out).isNotZero();
      assertThat(out).contains("identifier rejected"); // CONNACK return code 2
    }
  }

  // ---------------------------------------------------------------- delivery-time read checks

  @Test
  void withMosquittosOwnershipATakeoverGetsOnlyWhatItsOwnAclLetsItRead() throws Exception {
    try (FluxBroker b = start("session_ownership client_id")) {
      subscriber(password(b, "egizcore-main", "egizcore"), "openegiz/#").disconnect();
      publish(b, OVEN, OVEN_STATUS, "s0"); // ml-service may not read status
      publish(b, OVEN, OVEN_TELEMETRY, "t0"); // but may read telemetry
      Mqtt5BlockingClient ml = password(b, "egizcore-main", "ml-service").buildBlocking();
      try (Mqtt5BlockingClient.Mqtt5Publishes in = ml.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(ml.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
            .isTrue();
        assertThat(receivedUpTo(in, OVEN_TELEMETRY + "=t0")).containsExactly(OVEN_TELEMETRY + "=t0");
      }
      assertThat(b.metrics().dropped(DropReason.READ_NOT_AUTHORIZED)).isEqualTo(1);
    }
  }

  @Test
  void queuedMessagesAreCheckedAgainstTheAclInForceWhenTheyAreSent() throws Exception {
    try (FluxBroker b = start()) {
      subscriber(password(b, "ml", "ml-service"), "openegiz/+/+/+/+/telemetry").disconnect();
      publish(b, OVEN, OVEN_TELEMETRY, "t0");
      publish(b, OVEN, OVEN_TELEMETRY, "t1");
      Files.writeString(acl, Files.readString(acl).replace("topic read openegiz/+/+/+/+/telemetry\n", ""));
      b.reload();
      Mqtt5BlockingClient ml = password(b, "ml", "ml-service").buildBlocking();
      try (Mqtt5BlockingClient.Mqtt5Publishes in = ml.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(ml.connectWith().cleanStart(false).sessionExpiryInterval(3600).send().isSessionPresent())
            .isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> b.metrics().dropped(DropReason.READ_NOT_AUTHORIZED) == 2);
        assertThat(in.receiveNow()).isEmpty();
      }
    }
  }
}
