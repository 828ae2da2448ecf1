package io.openegiz.flux.broker.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connection caps (issue 8, items 6 and 10) as a user writes them in the configuration: Mosquitto's
 * per-listener max_connections, connections per identity, unauthenticated connections per address and
 * the CONNECT size. Refusals at accept are closed before any byte is answered; the clients already
 * connected keep working throughout.
 */
class ConnectionLimitsIT {
  @TempDir
  Path dir;

  private FluxBroker start(String... extraLines) throws Exception {
    List<String> lines = new ArrayList<>(List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "audit_log " + dir.resolve("audit.log"), "max_publish_rate 0"));
    lines.addAll(List.of(extraLines));
    return FluxBroker.builder(ConfigParser.parse("flux.conf", lines).config()).build().start();
  }

  private static Mqtt5BlockingClient client(FluxBroker b, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port()).buildBlocking();
  }

  private static Mqtt5BlockingClient connected(FluxBroker b, String id) {
    Mqtt5BlockingClient c = client(b, id);
    c.connect();
    return c;
  }

  /** A publisher's QoS 1 message reaches a subscriber: the broker still serves its clients. */
  private static void assertStillServes(Mqtt5BlockingClient pub, Mqtt5BlockingClient.Mqtt5Publishes inbox,
      String payload) throws InterruptedException {
    pub.publishWith().topic("caps/check").payload(payload.getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
    Mqtt5Publish got = inbox.receive(5, java.util.concurrent.TimeUnit.SECONDS).orElseThrow();
    assertThat(new String(got.getPayloadAsBytes(), UTF_8)).isEqualTo(payload);
  }

  private String audit() throws Exception {
    Path log = dir.resolve("audit.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  private static long count(String text, String needle) {
    return text.lines().filter(l -> l.contains(needle)).count();
  }

  @Test
  void aFullListenerClosesNewConnectionsAtAcceptAndReportsOncePerInterval() throws Exception {
    try (FluxBroker b = start("max_connections 3")) {
      Mqtt5BlockingClient sub = connected(b, "sub");
      Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
      sub.subscribeWith().topicFilter("caps/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = connected(b, "pub");
      Mqtt5BlockingClient third = connected(b, "third");
      for (int i = 0; i < 5; i++) {
        try (RawClient raw = RawClient.open(b.port())) {
          raw.send(MqttWire.connect5("over-" + i, true, 60, new byte[0]));
          // closed at accept: not even a CONNACK
          assertThat(raw.awaitClose(Duration.ofSeconds(5))).isEmpty();
        }
      }
      assertStillServes(pub, inbox, "while full");
      third.disconnect();
      await().atMost(Duration.ofSeconds(10)).until(() -> {
        Mqtt5BlockingClient c = client(b, "fourth");
        c.connect();
        return c.getState().isConnected();
      });
      assertStillServes(pub, inbox, "after one left");
      inbox.close();
    }
    // five refusals, one report: the first is audited at once, the rest are counted for the next report
    assertThat(count(audit(), "\"limit\":\"max_connections\"")).isEqualTo(1);
  }

  @Test
  void anIdentityAtItsCapGetsQuotaExceededAndATakeoverStillWorks() throws Exception {
    try (FluxBroker b = start("max_connections_per_identity 2")) {
      Mqtt5BlockingClient one = client(b, "oven-a");
      one.connectWith().simpleAuth().username("oven").applySimpleAuth().send();
      Mqtt5BlockingClient two = client(b, "oven-b");
      two.connectWith().simpleAuth().username("oven").applySimpleAuth().send();

      Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> client(b, "oven-c").connectWith().simpleAuth().username("oven").applySimpleAuth().send());
      assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);

      // MQTT 3.1.1 (Paho): return code 3, server unavailable
      MqttClient paho = new MqttClient("tcp://127.0.0.1:" + b.port(), "oven-d", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setUserName("oven");
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      MqttException e = catchThrowableOfType(MqttException.class, () -> paho.connect(o));
      assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_BROKER_UNAVAILABLE);
      paho.close();

      // mosquitto_pub, MQTT 5: refused with the reason code's text
      Process mp = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", String.valueOf(b.port()), "-V",
          "mqttv5",
          "-i", "oven-e", "-u", "oven", "-t", "t", "-m", "m").redirectErrorStream(true).start();
      assertThat(mp.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(mp.exitValue()).isNotZero();
      assertThat(new String(mp.getInputStream().readAllBytes(), UTF_8)).containsIgnoringCase("quota exceeded");

      // another identity, and anonymous clients, are not affected
      connected(b, "anonymous").disconnect();
      client(b, "core").connectWith().simpleAuth().username("egizcore").applySimpleAuth().send();

      // the same client id again is a takeover, not a third connection
      Mqtt5BlockingClient again = client(b, "oven-a");
      again.connectWith().simpleAuth().username("oven").applySimpleAuth().send();
      assertThat(again.getState().isConnected()).isTrue();

      two.disconnect();
      await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
        client(b, "oven-c").connectWith().simpleAuth().username("oven").applySimpleAuth().send();
        return true;
      });
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(audit())
        .contains("\"event\":\"quota_exceeded\"", "\"quota\":\"max_connections_per_identity\"", "\"identity\":\"oven\"",
            "\"client_id\":\"oven-c\""));
  }

  @Test
  void unauthenticatedConnectionsFromOneAddressBeyondTheCapAreClosedAtAccept() throws Exception {
    try (FluxBroker b = start("max_unauthenticated_per_address 8", "connect_timeout 60s")) {
      Mqtt5BlockingClient sub = connected(b, "sub"); // accepted by a CONNACK: no longer counts
      Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
      sub.subscribeWith().topicFilter("caps/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = connected(b, "pub");
      byte[] connect = MqttWire.connect5("half", true, 60, new byte[0]);
      List<RawClient> partial = new ArrayList<>();
      try {
        for (int i = 0; i < 8; i++) {
          RawClient raw = RawClient.open(b.port());
          partial.add(raw);
          raw.send(java.util.Arrays.copyOf(connect, 6)); // a CONNECT that never completes
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        await().atMost(Duration.ofSeconds(5))
            .until(() -> b.context().connectionCaps().unauthenticated(loopback) == 8);
        for (int i = 0; i < 20; i++) {
          try (RawClient over = RawClient.open(b.port())) {
            over.send(connect);
            assertThat(over.awaitClose(Duration.ofSeconds(5))).isEmpty();
          }
        }
        assertStillServes(pub, inbox, "while an address is at its cap");
        partial.remove(0).close();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
          connected(b, "late").disconnect();
          return true;
        });
      } finally {
        for (RawClient raw : partial) {
          raw.close();
        }
      }
      await().atMost(Duration.ofSeconds(5))
          .until(() -> b.context().connectionCaps().unauthenticated(InetAddress.getByName("127.0.0.1")) == 0);
      inbox.close();
    }
    assertThat(count(audit(), "\"limit\":\"max_unauthenticated_per_address\"")).isEqualTo(1);
  }

  @Test
  void loopbackCanBeExemptedFromTheUnauthenticatedCap() throws Exception {
    try (FluxBroker b = start("max_unauthenticated_per_address 2", "auth_exempt_loopback true")) {
      List<RawClient> partial = new ArrayList<>();
      try {
        for (int i = 0; i < 5; i++) {
          RawClient raw = RawClient.open(b.port());
          partial.add(raw);
          raw.send(0x10, 0x20); // the fixed header of a CONNECT, nothing more
        }
        connected(b, "local-tool").disconnect();
      } finally {
        for (RawClient raw : partial) {
          raw.close();
        }
      }
    }
  }

  @Test
  void aConnectAboveMaxConnectSizeIsRefusedFromItsFixedHeaderBeforeItArrives() throws Exception {
    try (FluxBroker b = start("max_connect_size 1024")) {
      try (RawClient raw = RawClient.open(b.port())) {
        // fixed header: CONNECT, remaining length 100000 (0xA0 0x8D 0x06), below the packet limit of 320 KiB;
        // then only the start of the variable header: the broker must not wait for the rest
        raw.send(0x10, 0xA0, 0x8D, 0x06, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05);
        assertThat(raw.awaitClose(Duration.ofSeconds(5))).isEmpty();
      }
      // The CONNECT limit is for the first packet only: a PUBLISH above it passes once connected.
      Mqtt5BlockingClient sub = connected(b, "sub");
      Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(com.hivemq.client.mqtt.MqttGlobalPublishFilter.ALL);
      sub.subscribeWith().topicFilter("big").qos(MqttQos.AT_LEAST_ONCE).send();
      connected(b, "pub").publishWith().topic("big").payload(new byte[10_000]).qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(inbox.receive(5, java.util.concurrent.TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes())
          .hasSize(10_000);
      inbox.close();
      // and a CONNECT with a will that fits is accepted
      Mqtt5BlockingClient willing = Mqtt5Client.builder().identifier("willing").serverHost("127.0.0.1")
          .serverPort(b.port()).willPublish().topic("status").payload(new byte[900]).applyWillPublish().buildBlocking();
      willing.connect();
      willing.disconnect();
    }
  }
}
