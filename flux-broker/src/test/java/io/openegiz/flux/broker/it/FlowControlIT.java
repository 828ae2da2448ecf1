package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.metrics.DropReason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Receive maximum, inflight limit, packet size limits both ways, message size limit and queue bounds. */
class FlowControlIT {

  /** Collects PUBLISH packets from a raw client. */
  private static final class Inbox {
    final WireClient client;
    final List<MqttPacket> publishes = new ArrayList<>();

    Inbox(WireClient client) {
      this.client = client;
    }

    int size() {
      for (MqttPacket p : client.drainReceived()) {
        assertThat(p.type()).as("only PUBLISH expected, got %s", p).isEqualTo(MqttWire.PUBLISH);
        publishes.add(p);
      }
      return publishes.size();
    }

    /** Waits until n PUBLISH have come, then checks that no more come for a while. */
    void expectExactly(int n) {
      await().atMost(Duration.ofSeconds(5)).until(() -> size() >= n);
      await().during(Duration.ofMillis(400)).atMost(Duration.ofSeconds(2)).until(() -> size() == n);
    }
  }

  private static void publishQos1(TestBroker broker, String topic, int n) {
    Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
    for (int i = 0; i < n; i++) {
      pub.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload(bytes(Integer.toString(i))).send();
    }
    pub.disconnect();
  }

  @Test
  void clientReceiveMaximumLimitsUnacknowledgedPublishes() throws Exception {
    try (TestBroker broker = TestBroker.start();
        WireClient sub = WireClient.connect(broker, "rm5", true,
            new MqttWire.Props().u16(MqttWire.RECEIVE_MAXIMUM, 5))) {
      sub.subscribe(1, "flow/#", 1, null);
      Inbox inbox = new Inbox(sub);
      publishQos1(broker, "flow/t", 20);
      inbox.expectExactly(5);
      sub.puback(inbox.publishes.get(0).publishId());
      sub.puback(inbox.publishes.get(1).publishId());
      inbox.expectExactly(7);
      for (int acked = 2; acked < 20; acked++) {
        int next = acked;
        await().atMost(Duration.ofSeconds(5)).until(() -> inbox.size() > next);
        sub.puback(inbox.publishes.get(acked).publishId());
        assertThat(inbox.publishes.size() - (acked + 1)).isLessThanOrEqualTo(5);
      }
      inbox.expectExactly(20);
      assertThat(inbox.publishes).extracting(MqttPacket::payloadString)
          .containsExactlyElementsOf(IntStream.range(0, 20).mapToObj(Integer::toString).toList());
      assertThat(inbox.publishes).noneMatch(MqttPacket::dup);
    }
  }

  @Test
  void brokerInflightLimitAppliesToAClientWithALargerReceiveMaximum() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxInflightMessages(3));
        WireClient sub = WireClient.connect(broker, "rm-big", true,
            new MqttWire.Props().u16(MqttWire.RECEIVE_MAXIMUM, 1000))) {
      assertThat(sub.connack().property(MqttWire.RECEIVE_MAXIMUM)).containsExactly(3);
      sub.subscribe(1, "flow/#", 2, null);
      Inbox inbox = new Inbox(sub);
      publishQos1(broker, "flow/t", 10);
      inbox.expectExactly(3);
      sub.puback(inbox.publishes.get(0).publishId());
      inbox.expectExactly(4);
    }
  }

  @Test
  void mqtt3ClientIsBoundedByTheInflightLimit() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxInflightMessages(4));
        WireClient sub = WireClient.connect(broker, "v3-sub", false, null)) {
      sub.subscribe(1, "flow/#", 1, null);
      Inbox inbox = new Inbox(sub);
      publishQos1(broker, "flow/t", 10);
      inbox.expectExactly(4);
      for (MqttPacket p : List.copyOf(inbox.publishes)) sub.puback(p.publishId());
      inbox.expectExactly(8);
    }
  }

  @Test
  void clientMaximumPacketSizeIsNeverExceeded() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.builder5(broker, "small").buildBlocking();
      sub.connectWith().restrictions().maximumPacketSize(1024).applyRestrictions().send();
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("size/#").qos(MqttQos.AT_LEAST_ONCE).send();
      try (WireClient raw = WireClient.connect(broker, "raw-small", true,
          new MqttWire.Props().u32(MqttWire.MAXIMUM_PACKET_SIZE, 1024))) {
        raw.subscribe(1, "size/#", 1, null);
        Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
        pub.publishWith().topic("size/big").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[4096]).send();
        pub.publishWith().topic("size/big").qos(MqttQos.AT_MOST_ONCE).payload(new byte[4096]).send();
        pub.publishWith().topic("size/medium").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[900]).send();
        pub.publishWith().topic("size/small").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("ok")).send();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 2);
        assertThat(got).extracting(p -> p.getTopic().toString()).containsExactly("size/medium", "size/small");
        MqttPacket medium = raw.expect(MqttWire.PUBLISH);
        assertThat(medium.topic()).isEqualTo("size/medium");
        assertThat(medium.body().length).isLessThan(1024 - 2);
        raw.puback(medium.publishId());
        assertThat(raw.expect(MqttWire.PUBLISH).topic()).isEqualTo("size/small");
        assertThat(broker.broker().metrics().dropped(DropReason.TOO_LARGE_FOR_CLIENT)).isEqualTo(4);
        assertThat(raw.isClosed()).isFalse();
      }
    }
  }

  @Test
  void payloadAboveMessageSizeLimitIsRefusedWithPacketTooLargeAndTheConnectionStays() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.messageSizeLimit(1024))) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("limit/#").qos(MqttQos.AT_LEAST_ONCE).send();
      try (WireClient pub = WireClient.connect(broker, "raw5", true, null);
          WireClient pub3 = WireClient.connect(broker, "raw3", false, null)) {
        pub.publish("limit/big", 1, false, false, 1, null, new byte[1025]);
        MqttPacket ack = pub.expect(MqttWire.PUBACK);
        assertThat(ack.ackId()).isEqualTo(1);
        assertThat(ack.reasonCode()).isEqualTo(0x95);
        pub.publish("limit/big", 2, false, false, 2, null, new byte[5000]);
        MqttPacket rec = pub.expect(MqttWire.PUBREC);
        assertThat(rec.reasonCode()).isEqualTo(0x95);
        pub3.publish("limit/big3", 1, false, false, 1, null, new byte[2000]);
        assertThat(pub3.expect(MqttWire.PUBACK).ackId()).isEqualTo(1); // 3.1.1 has no reason codes
        pub.publish("limit/ok", 1, false, false, 3, null, new byte[1024]);
        MqttPacket ok = pub.expect(MqttWire.PUBACK);
        assertThat(ok.reasonCode()).isZero();
        pub3.publish("limit/ok3", 1, false, false, 2, null, bytes("fine"));
        pub3.expect(MqttWire.PUBACK);
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 2);
      assertThat(got).extracting(p -> p.getTopic().toString()).containsExactly("limit/ok", "limit/ok3");
      assertThat(broker.broker().metrics().dropped(DropReason.OVERSIZE_PAYLOAD)).isEqualTo(3);
    }
  }

  @Test
  void packetAboveMaximumPacketSizeEndsTheConnectionWithPacketTooLarge() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxPacketSize(2048));
        WireClient pub = WireClient.connect(broker, "raw-big", true, null)) {
      assertThat(pub.connack().property(MqttWire.MAXIMUM_PACKET_SIZE)).containsExactly(2048L);
      pub.publish("big", 1, false, false, 1, null, new byte[1900]);
      assertThat(pub.expect(MqttWire.PUBACK).reasonCode()).isEqualTo(0x10); // fits: accepted
      pub.publish("big", 1, false, false, 2, null, new byte[4000]);
      MqttPacket d = pub.expect(MqttWire.DISCONNECT);
      assertThat(d.reasonCode()).isEqualTo(0x95);
      assertThat(pub.expect(MqttWire.CLOSED)).isNotNull();
    }
  }

  @Test
  void offlineQueueIsBoundedByMaxQueuedMessagesAndDropsAreCounted() {
    try (TestBroker broker = TestBroker.start(b -> b.maxQueuedMessages(10))) {
      Mqtt5BlockingClient sub = Clients.builder5(broker, "queued").buildBlocking();
      sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
      sub.subscribeWith().topicFilter("q/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
      await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().metrics().clientsConnected() == 0);
      publishQos1(broker, "q/t", 25);
      assertThat(broker.broker().metrics().dropped(DropReason.QUEUE_FULL)).isEqualTo(15);

      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 10);
      Clients.v5(broker, "marker-pub").publishWith().topic("marker").qos(MqttQos.AT_LEAST_ONCE)
          .payload(bytes("m")).send();
      await().atMost(Duration.ofSeconds(5))
          .until(() -> got.stream().anyMatch(p -> p.getTopic().toString().equals("marker")));
      assertThat(Clients.texts(got)).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "m");
      assertThat(broker.broker().metrics().dropped(DropReason.QUEUE_FULL)).isEqualTo(15);
    }
  }

  @Test
  void offlineQueueIsBoundedByMaxQueuedBytes() {
    try (TestBroker broker = TestBroker.start(b -> b.maxQueuedBytes(1000))) {
      Mqtt5BlockingClient sub = offlineSubscriber(broker, "bytes", "qb/#");
      Mqtt5BlockingClient pub = Clients.v5(broker, "pub");
      for (int i = 0; i < 5; i++) {
        byte[] payload = new byte[300];
        payload[0] = (byte) i;
        pub.publishWith().topic("qb/t").qos(MqttQos.AT_LEAST_ONCE).payload(payload).send();
      }
      assertThat(broker.broker().metrics().dropped(DropReason.QUEUE_FULL)).isEqualTo(2);
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 3);
      assertThat(got).extracting(p -> (int) p.getPayloadAsBytes()[0]).containsExactly(0, 1, 2);
    }
  }

  /** A persistent session subscribed at QoS 1 to the filter, then offline (its client returned to reconnect). */
  private static Mqtt5BlockingClient offlineSubscriber(TestBroker broker, String id, String filter) {
    Mqtt5BlockingClient sub = Clients.builder5(broker, id).buildBlocking();
    sub.connectWith().cleanStart(true).sessionExpiryInterval(300).send();
    sub.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    sub.disconnect();
    await().atMost(Duration.ofSeconds(5)).until(() -> broker.broker().metrics().clientsConnected() == 0);
    return sub;
  }

  /**
   * max_queued_bytes counts the whole message (issue 8, item 9): 1-byte payloads that carry 40 KB of
   * user properties fill a 100 KB queue after two messages, not after 100,000.
   */
  @Test
  void maxQueuedBytesCountsUserPropertiesAndTopicNotOnlyThePayload() {
    try (TestBroker broker = TestBroker.start(b -> b.maxQueuedBytes(100_000))) {
      Mqtt5BlockingClient sub = offlineSubscriber(broker, "props-sub", "qp/#");
      Mqtt5BlockingClient pub = Clients.v5(broker, "props-pub");
      String big = "v".repeat(40_000);
      for (int i = 0; i < 10; i++) {
        pub.publishWith().topic("qp/t").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {(byte) i})
            .userProperties().add("k", big).applyUserProperties().send();
      }
      assertThat(broker.broker().metrics().dropped(DropReason.QUEUE_FULL)).isEqualTo(8);
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.connectWith().cleanStart(false).sessionExpiryInterval(300).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 2);
      pub.publishWith().topic("qp/end").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("end")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() >= 3);
      assertThat(got).extracting(p -> (int) p.getPayloadAsBytes()[0]).containsExactly(0, 1, (int) 'e');
      assertThat(got.get(0).getUserProperties().asList()).singleElement()
          .satisfies(u -> assertThat(u.getValue().toString()).hasSize(40_000));
    }
  }

  /**
   * The broker's receive maximum towards a publisher: QoS 2 messages awaiting PUBREL count against it,
   * a DUP resend of one of them does not, and one more new message is a Receive Maximum exceeded.
   */
  @Test
  void inboundReceiveMaximumCountsUnreleasedQos2Messages() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxInflightMessages(2));
        WireClient pub = WireClient.connect(broker, "q2-pub", true, null)) {
      assertThat(pub.connack().property(MqttWire.RECEIVE_MAXIMUM)).containsExactly(2);
      pub.publish("rm/a", 2, false, false, 1, null, bytes("1"));
      assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(1);
      pub.publish("rm/a", 2, false, false, 2, null, bytes("2"));
      assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(2);
      pub.publish("rm/a", 2, false, true, 2, null, bytes("2")); // a resend, not a new message
      assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(2);
      pub.pubrel(1);
      assertThat(pub.expect(MqttWire.PUBCOMP).ackId()).isEqualTo(1);
      pub.publish("rm/a", 1, false, false, 3, null, bytes("qos1")); // one QoS 2 pending + this one: within 2
      assertThat(pub.expect(MqttWire.PUBACK).ackId()).isEqualTo(3);
      pub.publish("rm/a", 2, false, false, 4, null, bytes("4"));
      assertThat(pub.expect(MqttWire.PUBREC).ackId()).isEqualTo(4);
      pub.publish("rm/a", 2, false, false, 5, null, bytes("5")); // third unreleased: over the limit
      MqttPacket d = pub.expect(MqttWire.DISCONNECT);
      assertThat(d.reasonCode()).isEqualTo(0x93);
    }
  }

  /**
   * Backpressure, not loss: a connected subscriber that acknowledges nothing fills its queue, and the broker stops
   * reading the publisher instead of dropping: no more than the window it had already read (100) is acknowledged.
   * Guards MqttFrameDecoder.channelReadComplete: without it the paused socket went on being read and all 300 were
   * acknowledged while the queue was full. Once the subscriber leaves, the publisher is read again.
   */
  @Test
  void aPublisherFeedingAFullQueueIsNoLongerRead() {
    try (TestBroker broker = TestBroker.start(b -> b.maxQueuedMessages(10).maxPublishRate(0))) {
      Mqtt5AsyncClient stalled = Clients.builder5(broker, "stalled").buildAsync();
      stalled.publishes(MqttGlobalPublishFilter.ALL, p -> {}, true); // never acknowledged
      stalled.connect(Mqtt5Connect.builder().restrictions().receiveMaximum(1).applyRestrictions().build()).join();
      stalled.subscribeWith().topicFilter("bp/#").qos(MqttQos.AT_LEAST_ONCE).send().join();
      Mqtt5AsyncClient pub = Clients.builder5(broker, "bp-pub").buildAsync();
      pub.connect().join();
      AtomicInteger acked = new AtomicInteger();
      // The client's send() blocks once its own window (the broker's receive maximum, 100) is full and unacked:
      // publish from a thread of its own, or the test would wait on the client instead of the broker.
      Thread publisher = Thread.ofPlatform().daemon().start(() -> {
        for (int i = 0; i < 300; i++) {
          pub.publishWith().topic("bp/t").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("m" + i)).send()
              .thenRun(acked::incrementAndGet);
        }
      });
      // The pause comes once the queue (10) and the subscriber's window (1) are full: 11 messages at least are
      // read and acknowledged; how many more depends on how TCP cut the client's window of 100 into reads.
      await().atMost(Duration.ofSeconds(10)).until(() -> acked.get() >= 11);
      AtomicInteger seen = new AtomicInteger(-1);
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
          .until(() -> seen.getAndSet(acked.get()) == acked.get());
      assertThat(acked.get()).as("PUBACKs while the subscriber's queue is full: at most the window read before the"
          + " pause").isLessThanOrEqualTo(100);
      assertThat(broker.broker().metrics().dropped(DropReason.QUEUE_FULL)).isZero();
      stalled.disconnect().join(); // its session ends, its queue with it: the publisher is read again
      await().atMost(Duration.ofSeconds(20)).until(() -> acked.get() == 300);
      assertThat(publisher.isAlive()).isFalse();
      pub.disconnect().join();
    }
  }
}
