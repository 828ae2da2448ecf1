package io.openegiz.flux.broker.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.security.PasswordHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The security settings as a user writes them in the configuration file: password and ACL files
 * (reloaded when they change), the audit log, per-client publish rates with overrides, and the delay
 * after failed logins.
 */
class SecurityIT {
  @TempDir
  Path dir;

  private static String passwdLine(String user, String password) {
    return user + ":" + PasswordHash.create(password.getBytes(UTF_8), 101, new SecureRandom()).encoded();
  }

  private FluxBroker start(String... extraLines) throws Exception {
    List<String> lines = new ArrayList<>(List.of("listener 0 127.0.0.1", "allow_anonymous false"));
    lines.addAll(List.of(extraLines));
    BrokerConfig config = ConfigParser.parse("flux.conf", lines).config();
    return FluxBroker.builder(config).build().start();
  }

  private static Mqtt5BlockingClient client(FluxBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port()).buildBlocking();
  }

  private static Mqtt5ConnAckReasonCode connect(Mqtt5BlockingClient c, String user, String password) {
    try {
      c.connectWith().simpleAuth().username(user).password(password.getBytes(UTF_8)).applySimpleAuth().send();
      return Mqtt5ConnAckReasonCode.SUCCESS;
    } catch (Mqtt5ConnAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  @Test
  void passwordAndAclFilesFromTheConfigAreEnforcedAndReloadedWhenTheyChange() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), passwdLine("egizcore", "core-secret") + "\n");
    Path acl = Files.writeString(dir.resolve("acl"), "user egizcore\ntopic readwrite openegiz/#\n");
    Path audit = dir.resolve("audit.log");
    int port;
    try (FluxBroker b = start("password_file " + passwd, "acl_file " + acl, "audit_log " + audit)) {
      port = b.port();
      assertThat(connect(client(b, "core-1"), "egizcore", "guessed-Pw-1"))
          .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      Mqtt5BlockingClient core = client(b, "core-2");
      assertThat(connect(core, "egizcore", "core-secret")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(org.assertj.core.api.Assertions.catchThrowableOfType(
          com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException.class,
          () -> core.subscribeWith().topicFilter("other/#").send()).getMqttMessage().getReasonCodes().get(0).getCode())
          .isEqualTo(0x87);

      // A new device is added to both files while the broker runs: no restart, no SIGHUP.
      Files.writeString(passwd, passwdLine("esp32-oven001-elec", "dev-secret") + "\n",
          java.nio.file.StandardOpenOption.APPEND);
      Files.writeString(acl, "user esp32-oven001-elec\ntopic write openegiz/+/+/oven-001/electrical/telemetry\n",
          java.nio.file.StandardOpenOption.APPEND);
      await().atMost(Duration.ofSeconds(15)).until(() -> connect(client(b, "dev-" + System.nanoTime()),
          "esp32-oven001-elec", "dev-secret") == Mqtt5ConnAckReasonCode.SUCCESS);
      core.disconnect();
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      String log = Files.readString(audit);
      assertThat(log).contains("\"event\":\"auth_failure\"", "\"event\":\"auth_success\"", "\"event\":\"acl_denied\"",
          "\"client_id\":\"core-1\"", "\"identity\":\"egizcore\"", "\"topic\":\"other/#\"");
      assertThat(log).doesNotContain("core-secret", "guessed-Pw-1", "dev-secret");
      // the listener is configured with port 0: the audit log names the port actually bound
      assertThat(log).contains("\"listener\":\"127.0.0.1:" + port + "\"").doesNotContain(":0\"");
      assertThat(log.lines()).allSatisfy(line -> assertThat(line).startsWith("{\"time\":\"").endsWith("}"));
    });
  }

  @Test
  void aBrokenPasswordFileStopsStartUpWithItsLine() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), "alice:plaintext\n");
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> start("password_file " + passwd)))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("passwd:1");
  }

  @Test
  void repeatedLoginFailuresFromOneAddressAreAnsweredMoreSlowly() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), passwdLine("alice", "right") + "\n");
    try (FluxBroker b = start("password_file " + passwd, "auth_failure_delay 200")) {
      List<Long> millis = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long t0 = System.nanoTime();
        assertThat(connect(client(b, "g" + i), "alice", "guess" + i))
            .isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
        millis.add((System.nanoTime() - t0) / 1_000_000);
      }
      // 200 ms, then 400 ms, then 800 ms before each refusal.
      assertThat(millis.get(2)).isGreaterThanOrEqualTo(750);
      assertThat(connect(client(b, "ok"), "alice", "right")).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
    }
  }

  private static int publishBurst(FluxBroker b, String id, int count) throws Exception {
    Mqtt5BlockingClient sub = client(b, "sub-" + id);
    sub.connect();
    int received = 0;
    try (Mqtt5BlockingClient.Mqtt5Publishes pubs = sub.publishes(MqttGlobalPublishFilter.ALL)) {
      sub.subscribeWith().topicFilter("rate/" + id).qos(MqttQos.AT_MOST_ONCE).send();
      try (RawClient raw = RawClient.open(b.port())) {
        raw.send(MqttWire.connect5(id, true, 60, new byte[0]));
        raw.read(2);
        for (int i = 0; i < count; i++) {
          raw.send(MqttWire.publish("rate/" + id, 0, 0, new byte[] {(byte) i}, true));
        }
        while (received < count && pubs.receive(5, TimeUnit.SECONDS).isPresent()) {
          received++;
        }
      }
    }
    sub.disconnect();
    return received;
  }

  @Test
  void aClientAboveItsPublishRateIsSlowedDownAndLosesNothing() throws Exception {
    try (FluxBroker b = start("allow_anonymous true", "max_publish_rate 100", "max_publish_burst 10")) {
      long t0 = System.nanoTime();
      assertThat(publishBurst(b, "fast", 160)).isEqualTo(160);
      // 10 at once, then 100 per second: 150 more take at least 1.5 s.
      assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(1_400);
    }
  }

  @Test
  void aUserOverrideLiftsTheRateForAService() throws Exception {
    try (FluxBroker b = start("allow_anonymous true", "max_publish_rate 10", "max_publish_burst 5",
        "limits_for_listener 1 max_publish_rate=0", "publish_rate_action disconnect")) {
      // The override is for another listener port: this client keeps the 10/s limit and is disconnected.
      try (RawClient raw = RawClient.open(b.port())) {
        raw.send(MqttWire.connect5("greedy", true, 60, new byte[0]));
        raw.read(2);
        for (int i = 0; i < 50; i++) {
          raw.send(MqttWire.publish("t", 0, 0, new byte[] {1}, true));
        }
        assertThat(raw.awaitClose(Duration.ofSeconds(5))).anySatisfy(p -> {
          assertThat(p.type()).isEqualTo(14);
          assertThat(p.reasonCode()).isEqualTo(0x96);
        });
      }
    }
    try (FluxBroker b = start("allow_anonymous true", "max_publish_rate 10", "max_publish_burst 5",
        "publish_rate_action disconnect", "limits_for_user archiver max_publish_rate=0")) {
      Mqtt5BlockingClient service = client(b, "svc");
      service.connectWith().simpleAuth().username("archiver").applySimpleAuth().send();
      for (int i = 0; i < 50; i++) {
        service.publishWith().topic("t").payload(new byte[] {1}).qos(MqttQos.AT_LEAST_ONCE).send();
      }
      assertThat(service.getState().isConnected()).isTrue();
      service.disconnect();
    }
  }
}
