package io.openegiz.flux.broker.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quotas of issue 8, item 3, set in the configuration file as a user writes them, against a real
 * broker and clients we did not write: HiveMQ (MQTT 5 reason codes), Paho and mosquitto_pub (3.1.1).
 * Identities are usernames (no password file: any username is accepted, which is enough to tell them
 * apart) or, for anonymous clients, client ids.
 */
class QuotaIT {
  @TempDir
  Path dir;

  private FluxBroker start(String... extraLines) throws Exception {
    List<String> lines = new ArrayList<>(List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "audit_log " + dir.resolve("audit.log")));
    lines.addAll(List.of(extraLines));
    BrokerConfig config = ConfigParser.parse("flux.conf", lines).config();
    return FluxBroker.builder(config).build().start();
  }

  private static Mqtt5BlockingClient connect(FluxBroker b, String id, String user) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port())
        .buildBlocking();
    c.connectWith().simpleAuth().username(user).applySimpleAuth().send();
    return c;
  }

  /** The PUBACK reason code of a retained QoS 1 PUBLISH; SUCCESS also for "no matching subscribers". */
  private static Mqtt5PubAckReasonCode retain(Mqtt5BlockingClient c, String topic, byte[] payload) {
    return pubAck(() -> c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(payload).send());
  }

  private static Mqtt5PubAckReasonCode pubAck(java.util.function.Supplier<Mqtt5PublishResult> publish) {
    try {
      Mqtt5PubAckReasonCode code = ((Mqtt5PublishResult.Mqtt5Qos1Result) publish.get()).getPubAck().getReasonCode();
      return code == Mqtt5PubAckReasonCode.NO_MATCHING_SUBSCRIBERS ? Mqtt5PubAckReasonCode.SUCCESS : code;
    } catch (Mqtt5PubAckException e) {
      return e.getMqttMessage().getReasonCode();
    }
  }

  private static Mqtt5PubAckReasonCode retain(Mqtt5BlockingClient c, String topic, String payload) {
    return retain(c, topic, payload.getBytes(UTF_8));
  }

  /** The topics and payloads of the retained messages a new subscription to the filter gets. */
  private static List<String> retained(FluxBroker b, String filter) {
    Mqtt5BlockingClient c = connect(b, "retained-reader", "reader");
    List<Mqtt5Publish> got = Clients.collect(c);
    c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    c.subscribeWith().topicFilter("end").qos(MqttQos.AT_LEAST_ONCE).send();
    c.publishWith().topic("end").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> got.stream().anyMatch(p -> p.getTopic().toString().equals("end")));
    c.disconnect();
    return got.stream().filter(Mqtt5Publish::isRetain)
        .map(p -> p.getTopic() + "=" + new String(p.getPayloadAsBytes(), UTF_8)).sorted().toList();
  }

  private String audit() throws IOException {
    Path log = dir.resolve("audit.log");
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Test
  void retainedMessagesPerIdentityAreCountedAcrossConnectionsAndFreedByReplacementAndDeletion() throws Exception {
    try (FluxBroker b = start("max_retained_messages_per_identity 3")) {
      Mqtt5BlockingClient watcher = connect(b, "watcher", "watcher");
      List<Mqtt5Publish> live = Clients.collect(watcher);
      watcher.subscribeWith().topicFilter("s/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient dev = connect(b, "dev-1", "sensor");
      for (int i = 1; i <= 3; i++) {
        assertThat(retain(dev, "s/" + i, "v" + i)).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      }
      assertThat(retain(dev, "s/4", "v4")).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      // Another connection of the same identity shares the quota; another identity has its own.
      Mqtt5BlockingClient again = connect(b, "dev-2", "sensor");
      assertThat(retain(again, "s/5", "v5")).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      assertThat(retain(connect(b, "other", "other"), "s/9", "v9")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      // Replacing its own topic needs no room; deleting one frees room for a new topic.
      assertThat(retain(dev, "s/1", "v1b")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(dev, "s/2", new byte[0])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(again, "s/4", "v4b")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(again, "s/5", "v5")).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);

      assertThat(retained(b, "s/#")).containsExactly("s/1=v1b", "s/3=v3", "s/4=v4b", "s/9=v9");
      // A refused retained PUBLISH is not delivered either: the watcher, online all along, never saw v4 or v5.
      await().atMost(Duration.ofSeconds(5)).until(() -> live.size() >= 7);
      assertThat(Clients.texts(live)).containsExactly("v1", "v2", "v3", "v9", "v1b", "", "v4b");
      assertThat(audit()).contains("\"event\":\"quota_exceeded\"")
          .contains("\"quota\":\"max_retained_messages_per_identity\"").contains("\"topic\":\"s/4\"");
    }
  }

  @Test
  void retainedBytesPerIdentityCountTheWholeMessageAndShrinkingIsAlwaysAllowed() throws Exception {
    try (FluxBroker b = start("max_retained_bytes_per_identity 1000")) {
      Mqtt5BlockingClient dev = connect(b, "dev", "sensor");
      assertThat(retain(dev, "b/1", new byte[600])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(dev, "b/2", new byte[600])).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      assertThat(retain(dev, "b/1", new byte[300])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(dev, "b/2", new byte[600])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      // 300 + 600 bytes of payload and two 3-byte topics: 98 bytes left, user properties count too.
      assertThat(pubAck(() -> dev.publishWith().topic("b/3").qos(MqttQos.AT_LEAST_ONCE).retain(true)
          .payload(new byte[1]).userProperties().add("k", "x".repeat(200)).applyUserProperties().send()))
          .isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      assertThat(audit()).contains("\"quota\":\"max_retained_bytes_per_identity\"");
    }
  }

  @Test
  void retainedTotalsBindAllIdentitiesTogether() throws Exception {
    try (FluxBroker b = start("max_retained_messages 2")) {
      assertThat(retain(connect(b, "a", "a"), "t/a", "a")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(connect(b, "b", "b"), "t/b", "b")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      Mqtt5BlockingClient c = connect(b, "c", "c");
      assertThat(retain(c, "t/c", "c")).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      // Taking over another identity's topic does not grow the total.
      assertThat(retain(c, "t/a", "c")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retained(b, "t/#")).containsExactly("t/a=c", "t/b=b");
      assertThat(audit()).contains("\"quota\":\"max_retained_messages\"");
    }
  }

  /** MQTT 3.1.1 has no reason code in PUBACK: the PUBLISH is acknowledged and dropped, as for an ACL refusal. */
  @Test
  void aMqtt311RetainedPublishBeyondTheQuotaIsAcknowledgedButNotRetained() throws Exception {
    try (FluxBroker b = start("max_retained_messages_per_identity 1")) {
      String port = String.valueOf(b.port());
      for (String topic : List.of("m/1", "m/2")) {
        Process p = new ProcessBuilder("/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-V", "mqttv311",
            "-i", "mosq-dev", "-u", "mosq", "-q", "1", "-r", "-t", topic, "-m", topic).redirectErrorStream(true)
            .start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), UTF_8)).isZero();
      }
      assertThat(retained(b, "m/#")).containsExactly("m/1=m/1");
      assertThat(audit()).contains("\"quota\":\"max_retained_messages_per_identity\"").contains("\"topic\":\"m/2\"");
    }
  }

  /**
   * A retained will counts like a retained PUBLISH of the same identity: a will on the device's own
   * status topic replaces its message, one on a new topic beyond the quota is dropped (connecting and
   * dropping with a new retained will each time must not grow the retained set).
   */
  @Test
  void aRetainedWillCountsAgainstItsIdentitysQuota() throws Exception {
    try (FluxBroker b = start("max_retained_messages_per_identity 1")) {
      Mqtt5BlockingClient dev = withWill(b, "dev-1", "st/dev-1", "offline");
      assertThat(retain(dev, "st/dev-1", "online")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      dev.disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(retained(b, "st/#"))
          .containsExactly("st/dev-1=offline"));
      withWill(b, "dev-2", "junk/1", "x").disconnectWith()
          .reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> audit().contains("\"topic\":\"junk/1\""));
      assertThat(retained(b, "#")).containsExactly("st/dev-1=offline");
      assertThat(audit()).contains("\"will\":true");
    }
  }

  private static Mqtt5BlockingClient withWill(FluxBroker b, String id, String willTopic, String will) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port())
        .buildBlocking();
    c.connectWith().simpleAuth().username("sensor").applySimpleAuth().willPublish().topic(willTopic)
        .payload(will.getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish().send();
    return c;
  }

  @Test
  void subscriptionsPerSessionAreBoundedAndAnUnsubscribeFreesRoom() throws Exception {
    try (FluxBroker b = start("max_subscriptions_per_session 2")) {
      Mqtt5BlockingClient c = connect(b, "many", "svc");
      Mqtt5Subscribe three = Mqtt5Subscribe.builder()
          .addSubscription(Mqtt5Subscription.builder().topicFilter("f/1").qos(MqttQos.AT_LEAST_ONCE).build())
          .addSubscription(Mqtt5Subscription.builder().topicFilter("f/2").qos(MqttQos.AT_LEAST_ONCE).build())
          .addSubscription(Mqtt5Subscription.builder().topicFilter("f/3").qos(MqttQos.AT_LEAST_ONCE).build())
          .build();
      assertThat(subAck(c, three)).containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1,
          Mqtt5SubAckReasonCode.GRANTED_QOS_1, Mqtt5SubAckReasonCode.QUOTA_EXCEEDED);
      // Subscribing again to a filter it has replaces it: no room needed.
      assertThat(c.subscribeWith().topicFilter("f/1").qos(MqttQos.AT_MOST_ONCE).send().getReasonCodes())
          .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_0);
      c.unsubscribeWith().topicFilter("f/2").send();
      assertThat(c.subscribeWith().topicFilter("f/3").qos(MqttQos.AT_LEAST_ONCE).send().getReasonCodes())
          .containsExactly(Mqtt5SubAckReasonCode.GRANTED_QOS_1);
      assertThat(audit()).contains("\"quota\":\"max_subscriptions_per_session\"").contains("\"filter\":\"f/3\"");

      MqttClient paho = new MqttClient("tcp://127.0.0.1:" + b.port(), "paho-many", new MemoryPersistence());
      paho.connect();
      int[] granted = paho.subscribeWithResponse(new String[] {"p/1", "p/2", "p/3"}, new int[] {1, 1, 1})
          .getGrantedQos();
      assertThat(granted).containsExactly(1, 1, 0x80);
      paho.disconnect();
    }
  }

  private static List<Mqtt5SubAckReasonCode> subAck(Mqtt5BlockingClient c, Mqtt5Subscribe s) {
    try {
      return List.copyOf(c.subscribe(s).getReasonCodes());
    } catch (Mqtt5SubAckException e) {
      return List.copyOf(e.getMqttMessage().getReasonCodes());
    }
  }

  @Test
  void persistentSessionsPerIdentityAreBoundedButResumingOneIsAlwaysAllowed() throws Exception {
    try (FluxBroker b = start("max_persistent_sessions_per_identity 2")) {
      Mqtt5BlockingClient p1 = persistent(b, "p1", "svc", 300);
      Mqtt5BlockingClient p2 = persistent(b, "p2", "svc", 300);
      p2.disconnect(); // offline, but the session lives on and still counts
      Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> persistent(b, "p3", "svc", 300));
      assertThat(refused).isNotNull();
      assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
      // A session without expiry does not count; resuming p2 is not one more; another identity has its own.
      persistent(b, "p3", "svc", 0).disconnect();
      persistent(b, "p2", "svc", 300).disconnect();
      persistent(b, "q1", "other", 300).disconnect();
      // Ending p1's session (expiry 0 on a clean start) frees room for p3.
      p1.disconnect();
      persistent(b, "p1", "svc", 0).disconnect();
      persistent(b, "p3", "svc", 300).disconnect();
      assertThat(audit()).contains("\"quota\":\"max_persistent_sessions_per_identity\"")
          .contains("\"client_id\":\"p3\"");

      // MQTT 3.1.1, clean session 0: return code 5 (not authorized).
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(false);
      o.setUserName("svc");
      MqttClient paho = new MqttClient("tcp://127.0.0.1:" + b.port(), "p4", new MemoryPersistence());
      MqttException e = catchThrowableOfType(MqttException.class, () -> paho.connect(o));
      assertThat(e).isNotNull();
      assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_NOT_AUTHORIZED);
      paho.close();
    }
  }

  private static Mqtt5BlockingClient persistent(FluxBroker b, String id, String user, long expiry) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port())
        .buildBlocking();
    c.connectWith().cleanStart(true).sessionExpiryInterval(expiry).simpleAuth().username(user).applySimpleAuth()
        .send();
    return c;
  }

  /**
   * The publish rate's bucket belongs to the identity: a client that spent its burst and reconnects
   * (under the same or another client id) does not get a fresh one (issue 8, item 3).
   */
  @Test
  void reconnectingDoesNotRefillThePublishRateBucket() throws Exception {
    try (FluxBroker b = start("max_publish_rate 1", "max_publish_burst 10", "publish_rate_action disconnect")) {
      Mqtt5BlockingClient first = connect(b, "churn-1", "sensor");
      for (int i = 0; i < 10; i++) {
        first.publishWith().topic("r/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
      }
      first.disconnect();
      Mqtt5BlockingClient second = connect(b, "churn-2", "sensor");
      int sent = 0;
      try {
        for (; sent < 5; sent++) {
          second.publishWith().topic("r/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
        }
      } catch (RuntimeException expected) {
        // disconnected with 0x96: the bucket was still nearly empty
      }
      assertThat(sent).isLessThan(5);
      await().atMost(Duration.ofSeconds(5)).until(() -> !second.getState().isConnected());
      assertThat(audit()).contains("\"event\":\"rate_limited\"").contains("\"outcome\":\"disconnected\"");
      // Another identity has a bucket of its own.
      Mqtt5BlockingClient other = connect(b, "other", "other");
      for (int i = 0; i < 10; i++) {
        other.publishWith().topic("r/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {1}).send();
      }
      assertThat(other.getState().isConnected()).isTrue();
    }
  }

  /**
   * With persistence true the counts survive a restart: the store does not record who set a retained
   * message, so restored ones count in the totals (against no identity), and persistent sessions
   * count against the identity stored with them.
   */
  @Test
  void countsSurviveARestartWithPersistence() throws Exception {
    String[] conf = {"persistence true", "persistence_location " + dir.resolve("store"), "max_retained_messages 2",
        "max_persistent_sessions_per_identity 1"};
    try (FluxBroker b = start(conf)) {
      Mqtt5BlockingClient dev = connect(b, "dev", "sensor");
      assertThat(retain(dev, "k/1", "1")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(dev, "k/2", "2")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      persistent(b, "svc-1", "svc", 3600).disconnect();
    }
    try (FluxBroker b = start(conf)) {
      Mqtt5BlockingClient dev = connect(b, "dev", "sensor");
      assertThat(retain(dev, "k/3", "3")).isEqualTo(Mqtt5PubAckReasonCode.QUOTA_EXCEEDED);
      assertThat(retain(dev, "k/1", new byte[0])).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      assertThat(retain(dev, "k/3", "3")).isEqualTo(Mqtt5PubAckReasonCode.SUCCESS);
      Mqtt5ConnAckException refused = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> persistent(b, "svc-2", "svc", 3600));
      assertThat(refused).as("the persistent session stored before the restart counts").isNotNull();
      assertThat(refused.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.QUOTA_EXCEEDED);
    }
  }
}
