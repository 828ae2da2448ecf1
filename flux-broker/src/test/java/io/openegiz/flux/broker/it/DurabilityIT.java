package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MqttWire.PUBACK;
import static io.openegiz.flux.broker.it.MqttWire.PUBCOMP;
import static io.openegiz.flux.broker.it.MqttWire.PUBLISH;
import static io.openegiz.flux.broker.it.MqttWire.PUBREC;
import static io.openegiz.flux.broker.it.MqttWire.PUBREL;
import static io.openegiz.flux.broker.it.MqttWire.SESSION_EXPIRY;
import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code persistence true} across a broker close and start on the same port and folder: sessions,
 * subscriptions, retained messages, queued QoS 1/2 messages, QoS 2 state both ways, session expiry
 * and delayed wills. (A real {@code kill -9} is tested in flux-cli's CrashRestartIT.)
 */
class DurabilityIT {
  @TempDir
  Path dir;
  private int port;

  private TestBroker start() {
    return start(Clock.systemUTC());
  }

  private TestBroker start(Clock clock) {
    BrokerConfig cfg = BrokerConfig.builder().listener(port, "127.0.0.1").persistence(true)
        .persistenceLocation(dir.resolve("store")).build();
    TestBroker b = TestBroker.start(FluxBroker.builder(cfg).clock(clock));
    port = b.port();
    return b;
  }

  private static MqttWire.Props expiry(long seconds) {
    return new MqttWire.Props().u32(SESSION_EXPIRY, seconds);
  }

  private static WireClient persistent(TestBroker b, String id, boolean cleanStart) throws Exception {
    return WireClient.connect(b, id, true, cleanStart, expiry(3600));
  }

  private static boolean sessionPresent(WireClient c) {
    return (c.connack().body()[0] & 1) != 0;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Publishes at QoS 1 or 2 and completes the exchange. */
  private static void publish(WireClient pub, String topic, int qos, int id, String payload, boolean retain)
      throws Exception {
    pub.publish(topic, qos, retain, false, id, null, utf8(payload));
    if (qos == 1) {
      pub.expect(PUBACK);
    } else {
      pub.expect(PUBREC);
      pub.pubrel(id);
      pub.expect(PUBCOMP);
    }
  }

  /** Receives n messages, acknowledging each (PUBACK, or PUBREC and PUBCOMP), in arrival order. */
  private static List<String> receive(WireClient sub, int n) throws Exception {
    List<String> got = new ArrayList<>();
    while (got.size() < n) {
      MqttPacket p = sub.poll(Duration.ofSeconds(5));
      assertThat(p).as("message " + got.size() + " of " + n).isNotNull();
      if (p.type() == PUBLISH) {
        got.add(p.payloadString());
        if (p.qos() == 1) sub.puback(p.publishId());
        if (p.qos() == 2) sub.pubrec(p.publishId());
      } else if (p.type() == PUBREL) {
        sub.pubcomp(p.ackId());
      }
    }
    return got;
  }

  /** Nothing more arrives (other than PUBRELs still to complete) within a short while. */
  private static void assertNothingMore(WireClient sub) throws Exception {
    MqttPacket p;
    while ((p = sub.poll(Duration.ofMillis(500))) != null) {
      assertThat(p.type()).as("unexpected packet").isEqualTo(PUBREL);
      sub.pubcomp(p.ackId());
    }
  }

  @Test
  void sessionsSubscriptionsAndRetainedMessagesSurviveARestart() throws Exception {
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", true);
      sub.subscribe(1, "a/#", 1, null);
      sub.disconnect();
      WireClient pub = WireClient.connect(b, "pub", true, null);
      publish(pub, "r/x", 1, 1, "kept", true);
      pub.close();
    }
    try (TestBroker b = start()) {
      WireClient pub = WireClient.connect(b, "pub", true, null);
      publish(pub, "a/b", 1, 1, "after restart", false);
      WireClient sub = persistent(b, "sub", false);
      assertThat(sessionPresent(sub)).isTrue();
      assertThat(receive(sub, 1)).containsExactly("after restart");
      WireClient fresh = WireClient.connect(b, "fresh", true, null);
      fresh.subscribe(1, "r/#", 1, null);
      MqttPacket retained = fresh.expect(PUBLISH);
      assertThat(retained.payloadString()).isEqualTo("kept");
      assertThat(retained.retain()).isTrue();
    }
  }

  @Test
  void queuedQos1And2MessagesAreDeliveredInOrderAfterARestart() throws Exception {
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", true);
      sub.subscribe(1, "q/#", 2, null);
      sub.disconnect();
      WireClient pub = WireClient.connect(b, "pub", true, null);
      for (int i = 1; i <= 50; i++) {
        publish(pub, "q/" + i, i % 2 == 0 ? 2 : 1, i, "m" + i, false);
      }
    }
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 50; i++) expected.add("m" + i);
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", false);
      assertThat(receive(sub, 50)).containsExactlyElementsOf(expected);
      assertNothingMore(sub);
      sub.disconnect();
    }
    try (TestBroker b = start()) { // acknowledged deliveries do not come back
      WireClient sub = persistent(b, "sub", false);
      assertNothingMore(sub);
    }
  }

  @Test
  void inflightQos2ResumesWithPubrelOrTheSamePacketId() throws Exception {
    int released;
    int unacknowledged;
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", true);
      sub.subscribe(1, "x/#", 2, null);
      WireClient pub = WireClient.connect(b, "pub", true, null);
      publish(pub, "x/1", 2, 1, "first", false);
      publish(pub, "x/2", 2, 2, "second", false);
      MqttPacket first = sub.expect(PUBLISH);
      MqttPacket second = sub.expect(PUBLISH);
      released = first.publishId();
      unacknowledged = second.publishId();
      sub.pubrec(released);
      assertThat(sub.expect(PUBREL).ackId()).isEqualTo(released); // "released" is on disk now
    }
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", false);
      assertThat(sub.expect(PUBREL).ackId()).isEqualTo(released);
      MqttPacket again = sub.expect(PUBLISH);
      assertThat(again.publishId()).isEqualTo(unacknowledged);
      assertThat(again.dup()).isTrue();
      assertThat(again.payloadString()).isEqualTo("second");
      sub.pubcomp(released);
      sub.pubrec(unacknowledged);
      assertThat(sub.expect(PUBREL).ackId()).isEqualTo(unacknowledged);
      sub.pubcomp(unacknowledged);
      assertNothingMore(sub);
      sub.disconnect();
    }
    try (TestBroker b = start()) {
      assertNothingMore(persistent(b, "sub", false));
    }
  }

  @Test
  void inboundQos2AwaitingPubrelSurvivesARestartAndIsDeliveredOnce() throws Exception {
    try (TestBroker b = start()) {
      WireClient sub = persistent(b, "sub", true);
      sub.subscribe(1, "in/#", 2, null);
      sub.disconnect();
      WireClient pub = persistent(b, "pub", true);
      pub.publish("in/x", 2, false, false, 7, null, utf8("once"));
      pub.expect(PUBREC); // no PUBREL before the restart
    }
    try (TestBroker b = start()) {
      WireClient pub = persistent(b, "pub", false);
      pub.publish("in/x", 2, false, true, 7, null, utf8("once")); // the client's resend, DUP
      pub.expect(PUBREC);
      pub.pubrel(7);
      MqttPacket comp = pub.expect(PUBCOMP);
      assertThat(comp.ackId()).isEqualTo(7);
      assertThat(comp.reasonCode()).isZero();
      WireClient sub = persistent(b, "sub", false);
      assertThat(receive(sub, 1)).containsExactly("once");
      assertNothingMore(sub);
    }
  }

  @Test
  void sessionsThatExpiredWhileTheBrokerWasStoppedAreGone() throws Exception {
    try (TestBroker b = start()) {
      WireClient.connect(b, "short", true, true, expiry(5)).disconnect();
      WireClient.connect(b, "long", true, true, expiry(3600)).disconnect();
    }
    try (TestBroker b = start(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60)))) {
      assertThat(sessionPresent(WireClient.connect(b, "short", true, false, expiry(5)))).isFalse();
      assertThat(sessionPresent(WireClient.connect(b, "long", true, false, expiry(3600)))).isTrue();
    }
  }

  @Test
  void aDelayedWillSurvivesARestartAndIsPublishedWhenDue() throws Exception {
    try (TestBroker b = start()) {
      WireClient watcher = persistent(b, "watcher", true);
      watcher.subscribe(1, "will/#", 1, null);
      watcher.disconnect();
      Mqtt5BlockingClient dying = Mqtt5Client.builder().identifier("dying").serverHost(b.host())
          .serverPort(b.port()).buildBlocking();
      dying.connectWith().cleanStart(true).sessionExpiryInterval(3600)
          .willPublish().topic("will/dying").payload(utf8("gone")).qos(MqttQos.AT_LEAST_ONCE).delayInterval(30)
          .applyWillPublish().send();
    } // the broker's shutdown ends the connection without DISCONNECT: the will's delay starts
    try (TestBroker b = start(Clock.offset(Clock.systemUTC(), Duration.ofSeconds(60)))) {
      WireClient watcher = persistent(b, "watcher", false);
      assertThat(receive(watcher, 1)).containsExactly("gone");
    }
  }
}
