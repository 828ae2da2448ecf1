package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Shared subscriptions ($share/group/filter). Every member also holds an ordinary subscription to
 * "marker": once every member has the marker, which was published after all the shared messages,
 * every shared message has been handed out and the counts are final.
 */
class SharedSubscriptionIT {

  private record Member(Mqtt5BlockingClient client, List<Mqtt5Publish> got) {
    List<String> beforeMarker() {
      List<String> l = new ArrayList<>();
      for (Mqtt5Publish p : got) {
        if (p.getTopic().toString().equals("marker")) break;
        l.add(Clients.text(p));
      }
      return l;
    }

    boolean hasMarker() {
      return got.stream().anyMatch(p -> p.getTopic().toString().equals("marker"));
    }
  }

  private static Member member(TestBroker broker, String id, String sharedFilter) {
    Mqtt5BlockingClient c = Clients.v5(broker, id);
    List<Mqtt5Publish> got = Clients.collect(c);
    c.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
    c.subscribeWith().topicFilter(sharedFilter).qos(MqttQos.AT_LEAST_ONCE).send();
    return new Member(c, got);
  }

  private static void publishAll(Mqtt5BlockingClient pub, String prefix, int n) {
    Mqtt5AsyncClient a = pub.toAsync();
    List<CompletableFuture<Mqtt5PublishResult>> sent = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      sent.add(a.publishWith().topic("jobs/" + (i % 5)).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(prefix + i)).send());
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
    pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
  }

  @Test
  void threeMembersShareThreeHundredMessagesFairlyWithoutDuplicates() {
    try (TestBroker broker = TestBroker.start()) {
      List<Member> members = List.of(member(broker, "m1", "$share/g/jobs/#"), member(broker, "m2", "$share/g/jobs/#"),
          member(broker, "m3", "$share/g/jobs/#"));
      publishAll(Clients.v5(broker, "pub"), "job-", 300);
      await().atMost(Duration.ofSeconds(15)).until(() -> members.stream().allMatch(Member::hasMarker));
      List<String> all = new ArrayList<>();
      for (Member m : members) {
        List<String> mine = m.beforeMarker();
        assertThat(mine.size()).as("share of one member").isBetween(80, 120);
        all.addAll(mine);
      }
      assertThat(all).hasSize(300).doesNotHaveDuplicates();
      Set<String> expected = new HashSet<>();
      for (int i = 0; i < 300; i++) expected.add("job-" + i);
      assertThat(new HashSet<>(all)).isEqualTo(expected);
    }
  }

  @Test
  void twoGroupsAndAnOrdinarySubscriberEachGetEveryMessage() {
    try (TestBroker broker = TestBroker.start()) {
      List<Member> g1 = List.of(member(broker, "a1", "$share/g1/jobs/#"), member(broker, "a2", "$share/g1/jobs/#"));
      List<Member> g2 = List.of(member(broker, "b1", "$share/g2/jobs/+"));
      Member plain = member(broker, "plain", "jobs/#");
      publishAll(Clients.v5(broker, "pub"), "j", 60);
      await().atMost(Duration.ofSeconds(10)).until(() -> g1.stream().allMatch(Member::hasMarker)
          && g2.get(0).hasMarker() && plain.hasMarker());
      List<String> group1 = new ArrayList<>();
      g1.forEach(m -> group1.addAll(m.beforeMarker()));
      assertThat(group1).hasSize(60).doesNotHaveDuplicates();
      assertThat(g2.get(0).beforeMarker()).hasSize(60).doesNotHaveDuplicates();
      assertThat(plain.beforeMarker()).hasSize(60).doesNotHaveDuplicates();
    }
  }

  @Test
  void sharedSubscriptionGetsNoRetainedMessages() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      pub.publishWith().topic("jobs/old").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("retained")).send();
      Member m = member(broker, "m1", "$share/g/jobs/#");
      pub.publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("marker")).send();
      await().atMost(Duration.ofSeconds(5)).until(m::hasMarker);
      assertThat(m.beforeMarker()).isEmpty(); // [MQTT-3.8.4-...] no retained messages for a shared subscription
      pub.publishWith().topic("jobs/new").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("live")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> m.got().size() == 2);
      assertThat(Clients.text(m.got().get(1))).isEqualTo("live");
    }
  }

  @Test
  void remainingMembersReceiveEverythingAfterOneDisconnects() {
    try (TestBroker broker = TestBroker.start()) {
      Member m1 = member(broker, "m1", "$share/g/jobs/#");
      Member m2 = member(broker, "m2", "$share/g/jobs/#");
      Member m3 = member(broker, "m3", "$share/g/jobs/#");
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      m3.client().disconnect();
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().metrics().clientsConnected() == 3);
      publishAll(pub, "after-", 90);
      await().atMost(Duration.ofSeconds(10)).until(() -> m1.hasMarker() && m2.hasMarker());
      List<String> all = new ArrayList<>(m1.beforeMarker());
      all.addAll(m2.beforeMarker());
      assertThat(all).hasSize(90).doesNotHaveDuplicates();
      assertThat(m1.beforeMarker()).isNotEmpty();
      assertThat(m2.beforeMarker()).isNotEmpty();
    }
  }

  /** A member whose session outlives its connection must not swallow the group's messages while offline. */
  @Test
  void remainingMembersReceiveEverythingWhileAPersistentMemberIsOffline() {
    try (TestBroker broker = TestBroker.start()) {
      Member m1 = member(broker, "m1", "$share/g/jobs/#");
      Member m2 = member(broker, "m2", "$share/g/jobs/#");
      Mqtt5BlockingClient persistent = Clients.builder5(broker, "m3").buildBlocking();
      persistent.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
      persistent.subscribeWith().topicFilter("$share/g/jobs/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      persistent.disconnect();
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().metrics().clientsConnected() == 3);
      publishAll(pub, "offline-", 90);
      await().atMost(Duration.ofSeconds(10)).until(() -> m1.hasMarker() && m2.hasMarker());
      List<String> all = new ArrayList<>(m1.beforeMarker());
      all.addAll(m2.beforeMarker());
      assertThat(all).hasSize(90).doesNotHaveDuplicates();
    }
  }

  @Test
  void invalidSharedSubscriptionFiltersAreRefused() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient c = WireClient.connect(broker, "bad-share", true, null)) {
      int id = 1;
      org.assertj.core.api.SoftAssertions soft = new org.assertj.core.api.SoftAssertions();
      for (String bad : List.of("$share/g", "$share//jobs", "$share/g+/jobs", "$share/g#/jobs", "$share/g/")) {
        byte[] body = new MqttWire.Bytes().u16(id).u8(0).str(bad).u8(1).toArray();
        c.send(MqttWire.packet(0x82, body));
        MqttPacket ack = c.expect(MqttWire.SUBACK);
        assertThat(ack.ackId()).isEqualTo(id);
        soft.assertThat(ack.subackCodes()).as(bad).containsExactly(0x8F); // Topic Filter invalid [MQTT-4.8.2-1/2]
        id++;
      }
      soft.assertAll();
      c.subscribe(id, "$share/g/jobs/#", 1, null); // and a valid one is still accepted
    }
  }
}
