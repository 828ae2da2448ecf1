package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5DisconnectException;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5SubAckException;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscribe;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.Mqtt5Subscription;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that floods the audit log with denied SUBSCRIBE filters (issue 8, item 4), against a broker
 * configured from a file, with the HiveMQ client: denials are aggregated per client, filters are
 * rate-limited, and the file is rotated at its size.
 */
class AuditFloodIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  private Path audit;

  private FluxBroker start(String... extraLines) throws Exception {
    Path acl = Files.writeString(dir.resolve("acl"), "topic read allowed/#\n");
    audit = dir.resolve("audit.log");
    List<String> lines = new ArrayList<>(List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "acl_file " + acl, "audit_log " + audit));
    lines.addAll(List.of(extraLines));
    return FluxBroker.builder(ConfigParser.parse("flux.conf", lines).config()).build().start();
  }

  private static Mqtt5BlockingClient connect(FluxBroker b, String id, AtomicReference<Throwable> disconnected) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(b.port())
        .addDisconnectedListener(ctx -> disconnected.set(ctx.getCause())).buildBlocking();
    c.connect();
    return c;
  }

  /** Subscribes to {@code n} distinct denied filters, {@code perPacket} in each SUBSCRIBE. */
  private static void subscribeDenied(Mqtt5BlockingClient c, int n, int perPacket) {
    for (int from = 0; from < n && c.getState().isConnected(); from += perPacket) {
      List<Mqtt5Subscription> subs = IntStream.range(from, Math.min(n, from + perPacket))
          .mapToObj(i -> Mqtt5Subscription.builder().topicFilter("secret/" + i + "/#").build()).toList();
      try {
        c.subscribe(Mqtt5Subscribe.builder().addSubscriptions(subs).build());
      } catch (Mqtt5SubAckException expected) {
        // every filter refused with 0x87: that is the point
      } catch (RuntimeException closed) {
        return; // disconnected by the broker
      }
    }
  }

  private List<String> auditLines(String fragment) throws Exception {
    return Files.exists(audit) ? Files.readString(audit).lines().filter(l -> l.contains(fragment)).toList() : List.of();
  }

  @Test
  void thousandsOfDeniedFiltersWriteTheFirstTenInFullAndOneSummaryAtDisconnect() throws Exception {
    try (FluxBroker b = start()) {
      Mqtt5BlockingClient c = connect(b, "prober", new AtomicReference<>());
      subscribeDenied(c, 900, 100);
      c.disconnect();
      await().atMost(WAIT).untilAsserted(() -> {
        List<String> denied = auditLines("\"acl_denied\"");
        assertThat(denied).hasSize(11).allSatisfy(l -> assertThat(l).contains("\"client_id\":\"prober\""));
        assertThat(denied.subList(0, 10)).allSatisfy(l -> assertThat(l).contains("\"action\":\"subscribe\""));
        assertThat(denied.get(10)).contains("\"summary\":true", "\"repeated\":890", "\"subscribe\":890",
            "\"last_topic\":\"secret/899/#\"");
      });
    }
  }

  @Test
  void aClientThatKeepsBeingDeniedGetsAPeriodicSummaryLine() throws Exception {
    try (FluxBroker b = start("audit_denial_summary_interval 1", "audit_denials_in_full 2")) {
      Mqtt5BlockingClient c = connect(b, "prober", new AtomicReference<>());
      subscribeDenied(c, 50, 10);
      // written while the client is still connected, not only when it leaves
      await().atMost(WAIT).until(() -> !auditLines("\"summary\":true").isEmpty());
      assertThat(c.getState().isConnected()).isTrue();
      c.disconnect();
      await().atMost(WAIT).until(() -> auditLines("\"summary\":true").stream()
          .mapToInt(l -> Integer.parseInt(l.replaceAll(".*\"repeated\":(\\d+).*", "$1"))).sum() == 48);
    }
  }

  @Test
  void moreFiltersPerSecondThanTheRateDisconnectWith0x96() throws Exception {
    try (FluxBroker b = start("max_subscribe_rate 10", "max_subscribe_burst 40")) {
      AtomicReference<Throwable> cause = new AtomicReference<>();
      Mqtt5BlockingClient c = connect(b, "flooder", cause);
      subscribeDenied(c, 1000, 10);
      await().atMost(WAIT).until(() -> cause.get() != null);
      assertThat(cause.get()).isInstanceOfSatisfying(Mqtt5DisconnectException.class,
          e -> assertThat(e.getMqttMessage().getReasonCode())
              .isEqualTo(Mqtt5DisconnectReasonCode.MESSAGE_RATE_TOO_HIGH));
      await().atMost(WAIT).untilAsserted(() -> assertThat(auditLines("\"rate_limited\""))
          .singleElement().asString().contains("\"outcome\":\"disconnected\"", "\"filter_rate\":10"));
      // the 40-filter burst went through, and no more: 10 in full, 30 in the final summary
      await().atMost(WAIT).untilAsserted(() -> assertThat(auditLines("\"summary\":true")).singleElement()
          .asString().contains("\"repeated\":30"));
    }
  }

  @Test
  void theAuditFileIsRotatedAtItsSizeKeepingTwoOldFiles() throws Exception {
    try (FluxBroker b = start("audit_log_max_size 65536", "audit_log_keep 2", "audit_denials_in_full 100000",
        "max_subscribe_burst 100000")) {
      Mqtt5BlockingClient c = connect(b, "prober", new AtomicReference<>());
      subscribeDenied(c, 2000, 200); // ~2,000 lines of ~230 bytes: about 7 files' worth
      c.disconnect();
      Path one = dir.resolve("audit.log.1");
      Path two = dir.resolve("audit.log.2");
      await().atMost(WAIT).untilAsserted(() -> assertThat(auditLines("secret/1999/#")).hasSize(1));
      assertThat(dir.resolve("audit.log.3")).doesNotExist();
      for (Path p : List.of(audit, one, two)) {
        assertThat(Files.size(p)).isLessThanOrEqualTo(65_536);
        assertThat(Files.readString(p).lines()).allSatisfy(l -> assertThat(l).startsWith("{").endsWith("}"));
      }
      assertThat(Files.size(one)).isGreaterThan(60_000);
    }
  }
}
