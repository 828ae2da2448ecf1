package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MosquittoCommands.PUB;
import static io.openegiz.flux.broker.it.MosquittoCommands.SUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.puback.Mqtt5PubAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5PubAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code $SYS/broker/...} tree (FR-2.10, FR-5.1) as clients see it: {@code mosquitto_sub -t '$SYS/#' -v}
 * shows Mosquitto's names with live values; leading wildcards never match them [MQTT-4.7.2-1]; nothing
 * carries a message expiry (Mosquitto 2.0.0-2.0.15 set 60 s); {@code sys_interval 0} publishes nothing;
 * and no client may publish under {@code $SYS}.
 */
class SysIT {

  @TempDir
  Path tmp;

  @BeforeAll
  static void clientsInstalled() {
    MosquittoCommands.assertInstalled();
  }

  @Test
  void mosquittoSubShowsMosquittoNamesWithLiveValues() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1))) {
      Path out = tmp.resolve("sys.out");
      Process sub = new ProcessBuilder(SUB, "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
          "-i", "sys-watcher", "-t", "$SYS/#", "-v")
          .redirectOutput(out.toFile()).redirectError(tmp.resolve("sys.err").toFile()).start();
      try {
        await().atMost(Duration.ofSeconds(5)).until(() -> last(out, "publish/messages/received").isPresent());
        assertThat(lines(out)).anyMatch(l -> l.matches("\\$SYS/broker/version flux version .+"))
            .anyMatch(l -> l.matches("\\$SYS/broker/uptime \\d+ seconds"))
            .anyMatch(l -> l.matches("\\$SYS/broker/load/messages/received/1min \\d+\\.\\d\\d"))
            .anyMatch(l -> l.matches("\\$SYS/broker/retained messages/count \\d+"));
        long before = last(out, "publish/messages/received").getAsLong();
        // The watcher alone, then the watcher and one publisher: clients/connected follows.
        await().atMost(Duration.ofSeconds(5)).until(() -> last(out, "clients/connected").orElse(-1) == 1);
        Mqtt5BlockingClient publisher = Clients.v5(broker, "sys-publisher");
        try {
          for (int i = 0; i < 5; i++) {
            publisher.publishWith().topic("plant/line-" + i).qos(MqttQos.AT_LEAST_ONCE).payload(Clients.bytes("x"))
                .send();
          }
          await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(last(out, "publish/messages/received")).hasValue(before + 5);
            assertThat(last(out, "clients/connected")).hasValue(2);
            assertThat(last(out, "clients/total")).hasValue(2);
          });
          assertThat(last(out, "messages/received").getAsLong()).as("packets of every type").isGreaterThan(before + 5);
          assertThat(last(out, "publish/bytes/received").getAsLong()).isGreaterThanOrEqualTo(5);
          assertThat(last(out, "subscriptions/count")).hasValue(1);
        } finally {
          publisher.disconnect();
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> last(out, "clients/connected").orElse(-1) == 1);
      } finally {
        sub.destroyForcibly();
      }
    }
  }

  @Test
  void leadingWildcardsNeverMatchSysTopics() {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1))) {
      Mqtt5BlockingClient wild = Clients.v5(broker, "wildcards");
      List<Mqtt5Publish> got = Clients.collect(wild);
      wild.subscribeWith().topicFilter("#").send();
      wild.subscribeWith().topicFilter("+/broker/#").send();
      Mqtt5BlockingClient sys = Clients.v5(broker, "sys-reader");
      List<Mqtt5Publish> sysGot = Clients.collect(sys);
      sys.subscribeWith().topicFilter("$SYS/broker/uptime").send();
      // two publications of the tree have happened once uptime arrived twice (the retained copy, then live)
      await().atMost(Duration.ofSeconds(5)).until(() -> sysGot.size() >= 2);
      Mqtt5BlockingClient marker = Clients.v5(broker, "marker");
      marker.publishWith().topic("plant/marker").qos(MqttQos.AT_LEAST_ONCE).payload(Clients.bytes("m")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
      assertThat(got).extracting(p -> p.getTopic().toString()).containsExactly("plant/marker");
      marker.disconnect();
      wild.disconnect();
      sys.disconnect();
    }
  }

  /** A late subscriber gets every figure retained, and neither those nor live ones carry an expiry. */
  @Test
  void sysMessagesAreRetainedWithoutExpiry() {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1))) {
      Mqtt5BlockingClient live = Clients.v5(broker, "sys-live");
      List<Mqtt5Publish> liveGot = Clients.collect(live);
      live.subscribeWith().topicFilter("$SYS/#").qos(MqttQos.EXACTLY_ONCE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> liveGot.stream().filter(p -> !p.isRetain()).count() > 10);
      Mqtt5BlockingClient late = Clients.v5(broker, "sys-late");
      List<Mqtt5Publish> lateGot = Clients.collect(late);
      late.subscribeWith().topicFilter("$SYS/broker/#").qos(MqttQos.AT_LEAST_ONCE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> lateGot.stream().anyMatch(
          p -> p.isRetain() && p.getTopic().toString().equals("$SYS/broker/version")));
      assertThat(lateGot).filteredOn(Mqtt5Publish::isRetain).extracting(p -> p.getTopic().toString())
          .contains("$SYS/broker/clients/total", "$SYS/broker/retained messages/count",
              "$SYS/broker/load/bytes/sent/15min");
      assertThat(liveGot).allSatisfy(p -> assertThat(p.getMessageExpiryInterval()).isEmpty());
      assertThat(lateGot).allSatisfy(p -> assertThat(p.getMessageExpiryInterval()).isEmpty());
      // Mosquitto queues $SYS at QoS 2: each subscriber gets its own subscription's QoS.
      assertThat(liveGot).allSatisfy(p -> assertThat(p.getQos()).isEqualTo(MqttQos.EXACTLY_ONCE));
      assertThat(lateGot).allSatisfy(p -> assertThat(p.getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE));
      live.disconnect();
      late.disconnect();
    }
  }

  @Test
  void sysIntervalZeroPublishesNothing() {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(0))) {
      Mqtt5BlockingClient c = Clients.v5(broker, "sys-off");
      List<Mqtt5Publish> got = Clients.collect(c);
      c.subscribeWith().topicFilter("$SYS/#").send();
      // Longer than the interval the tests use elsewhere, twice over.
      await().during(Duration.ofMillis(2500)).atMost(Duration.ofSeconds(4)).until(got::isEmpty);
      c.disconnect();
    }
  }

  /**
   * As in Mosquitto, no client writes under $SYS, whatever the ACL grants (here: no ACL, all allowed):
   * a spoofed retained uptime would otherwise pass for the broker's own. Other '$' topics stay usable.
   */
  @Test
  void clientsCannotPublishUnderSys() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(0))) {
      String port = Integer.toString(broker.port());
      MosquittoCommands.run(tmp, PUB, "-h", "127.0.0.1", "-p", port, "-V", "mqttv311",
          "-t", "$SYS/broker/uptime", "-r", "-m", "spoof");
      MosquittoCommands.run(tmp, PUB, "-h", "127.0.0.1", "-p", port, "-t", "$app/config", "-r", "-q", "1", "-m",
          "kept");
      Mqtt5BlockingClient writer = Clients.v5(broker, "sys-writer");
      try {
        writer.publishWith().topic("$SYS/broker/clients/connected").qos(MqttQos.AT_LEAST_ONCE)
            .payload(Clients.bytes("999")).retain(true).send();
        throw new AssertionError("a PUBLISH to $SYS was accepted");
      } catch (Mqtt5PubAckException e) {
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5PubAckReasonCode.NOT_AUTHORIZED);
      }
      Mqtt5BlockingClient reader = Clients.v5(broker, "sys-reader");
      List<Mqtt5Publish> got = Clients.collect(reader);
      reader.subscribeWith().topicFilter("$SYS/#").send();
      reader.subscribeWith().topicFilter("$app/#").send();
      await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
      assertThat(got).extracting(p -> p.getTopic() + "=" + Clients.text(p)).containsExactly("$app/config=kept");
      writer.disconnect();
      reader.disconnect();
    }
  }

  /** A will is a PUBLISH made later: under $SYS it is refused at CONNECT, as a PUBLISH there is. */
  @Test
  void aWillUnderSysIsRefused() {
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(0))) {
      Mqtt5BlockingClient c = Clients.builder5(broker, "sys-will").willPublish()
          .topic("$SYS/broker/clients/connected").payload(Clients.bytes("0")).retain(true).applyWillPublish()
          .buildBlocking();
      try {
        c.connect();
        throw new AssertionError("a CONNECT with a will under $SYS was accepted");
      } catch (Mqtt5ConnAckException e) {
        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
      }
    }
  }

  /** The tree describes the running process: it is never written to the store, so a restart forgets it. */
  @Test
  void sysIsNotWrittenToTheStore() {
    Path store = tmp.resolve("store");
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1).persistence(true).persistenceLocation(store))) {
      Mqtt5BlockingClient c = Clients.v5(broker, "sys-store");
      c.publishWith().topic("plant/kept").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(Clients.bytes("k")).send();
      List<Mqtt5Publish> got = Clients.collect(c);
      c.subscribeWith().topicFilter("$SYS/broker/uptime").send();
      await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
      c.disconnect();
    }
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(0).persistence(true).persistenceLocation(store))) {
      Mqtt5BlockingClient c = Clients.v5(broker, "sys-store");
      List<Mqtt5Publish> got = Clients.collect(c);
      c.subscribeWith().topicFilter("$SYS/#").send();
      c.subscribeWith().topicFilter("plant/#").send(); // its retained message comes after any of $SYS/#
      await().atMost(Duration.ofSeconds(5)).until(() -> !got.isEmpty());
      assertThat(got).extracting(p -> p.getTopic() + "=" + Clients.text(p)).containsExactly("plant/kept=k");
      c.disconnect();
    }
  }

  /** The last value mosquitto_sub printed for {@code $SYS/broker/NAME}, when it is a whole number. */
  static OptionalLong last(Path out, String name) throws IOException {
    Pattern p = Pattern.compile(Pattern.quote("$SYS/broker/" + name) + " (\\d+)");
    OptionalLong value = OptionalLong.empty();
    for (String line : lines(out)) {
      Matcher m = p.matcher(line);
      if (m.matches()) {
        value = OptionalLong.of(Long.parseLong(m.group(1)));
      }
    }
    return value;
  }

  private static List<String> lines(Path out) throws IOException {
    return Files.readAllLines(out, StandardCharsets.UTF_8);
  }
}
