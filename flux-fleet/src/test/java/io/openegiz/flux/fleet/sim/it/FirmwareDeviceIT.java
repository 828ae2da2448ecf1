package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.broker.security.PasswordHash;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import io.openegiz.flux.telemetry.Telemetry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ESP32 firmware's core, run as the Linux process {@code flux-device}, against a Flux broker as production
 * runs it for devices (TLS 1.3, client certificates from the internal CA, CN as username, the shipped ACL): it
 * must behave as {@code flux fleet}'s simulated devices do and write the same bytes.
 */
class FirmwareDeviceIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final String EGIZCORE = "egizcore";
  private static final String OVEN_COMMAND = "openegiz/factory-a/oven/oven-001/command";
  private static final List<String> DEVICES = List.of("esp32-oven001-elec", "esp32-oven001-therm", "esp32-zonea-env");
  private static final Pattern RECONNECTED = Pattern.compile("connected \\(reconnect 1\\); (\\d+) buffered readings");
  private static final Pattern BUFFERED = Pattern.compile("; (\\d+) readings buffered");
  private final SchemaJudge judge = new SchemaJudge();
  private final List<DeviceProcess> processes = new ArrayList<>();
  @TempDir
  Path dir;
  private TlsBroker broker;

  @BeforeEach
  void startBroker() throws Exception {
    List<String> clients = new ArrayList<>(DEVICES);
    clients.add(EGIZCORE);
    broker = new TlsBroker(dir, clients);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (DeviceProcess p : processes) {
      p.close();
    }
    broker.close();
  }

  private DeviceProcess device(String id, String sensor, String equipmentType, String equipmentId, int port,
      String... extra) throws Exception {
    TlsBroker.ClientFiles files = broker.clientFiles(id);
    List<String> args = new ArrayList<>(List.of("--device-id", id, "--sensor", sensor, "--equipment-type",
        equipmentType, "--equipment-id", equipmentId, "--host", "127.0.0.1", "--port", String.valueOf(port),
        "--cafile", files.ca().toString(), "--cert", files.cert().toString(), "--key", files.key().toString(),
        "--rate", "10"));
    args.addAll(List.of(extra));
    DeviceProcess p = DeviceProcess.start(dir, id, args);
    processes.add(p);
    return p;
  }

  @Test
  void everyPayloadValidatesIsWhatPayloadsWritesAndCommandsAreAnswered() throws Exception {
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      DeviceProcess elec = device("esp32-oven001-elec", "electrical", "oven", "oven-001", broker.port());
      DeviceProcess therm = device("esp32-oven001-therm", "thermal", "oven", "oven-001", broker.port());
      DeviceProcess env = device("esp32-zonea-env", "environmental", "environment", "zone-a", broker.port(),
          "--state-dir", dir.toString());
      await().atMost(WAIT).until(() -> DEVICES.stream().allMatch(id -> core.count(r -> r.isTelemetry()
          && r.deviceId().equals(id)) >= 5 && core.count(r -> r.isStatus("online") && r.deviceId().equals(id)) >= 1));

      core.publish(OVEN_COMMAND, "{\"command\":\"set_interval\",\"request_id\":\"req-1\",\"interval_seconds\":1}");
      await().atMost(WAIT).until(() -> core.count(r -> r.topic().endsWith("/response")) == 2);
      assertThat(core.matching(r -> r.topic().endsWith("/response"))).extracting(Received::topic)
          .containsExactlyInAnyOrder("openegiz/factory-a/oven/oven-001/electrical/response",
              "openegiz/factory-a/oven/oven-001/thermal/response");
      assertThat(core.matching(r -> r.topic().endsWith("/response")))
          .allSatisfy(r -> assertThat(r.json().path("result").asString()).isEqualTo("applied"));
      // An invalid command is logged, not answered (no request_id to match an answer to).
      core.publish(OVEN_COMMAND, "{\"command\":\"set_interval\",\"request_id\":\"req-2\",\"interval_seconds\":0}");
      await().atMost(WAIT).until(() -> elec.log().contains("interval_seconds: 0 is not an integer from 1 to 60"));

      try (Subscriber late = new Subscriber(broker.port(), "openegiz/+/+/+/+/status", broker.clientSsl(EGIZCORE))) {
        await().atMost(WAIT).until(() -> late.matching(r -> r.retain() && r.isStatus("online")).stream()
            .map(Received::deviceId).distinct().count() == DEVICES.size());
      }
      for (DeviceProcess p : List.of(elec, therm, env)) {
        assertThat(p.stop()).isZero();
      }
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("offline")) == DEVICES.size());
      // All but the invalid command the test sent itself.
      List<Received> all = core.matching(r -> !r.text().contains("req-2"));
      judge.assertAllValid(all);
      assertSameBytesAsPayloads(all);
      assertThat(all).filteredOn(Received::isTelemetry).extracting(Received::topic)
          .contains("openegiz/factory-a/oven/oven-001/electrical/telemetry",
              "openegiz/factory-a/oven/oven-001/thermal/telemetry",
              "openegiz/factory-a/environment/zone-a/ambient/telemetry");
    }
    assertThat(broker.auditLog()).doesNotContain("certificate_rejected", "acl_denied");
  }

  @Test
  void killedWithSigkillItsLastWillMarksItOfflineRetained() throws Exception {
    String status = "openegiz/factory-a/environment/zone-a/ambient/status";
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      DeviceProcess env = device("esp32-zonea-env", "environmental", "environment", "zone-a", broker.port());
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("online")) >= 1);
      env.kill9();
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("offline")) == 1);
      Received will = core.matching(r -> r.isStatus("offline")).getFirst();
      assertThat(will.deviceId()).isEqualTo("esp32-zonea-env");
      assertThat(will.json().has("diagnostics")).as("an LWT is fixed at connect time: no counters").isFalse();
      try (Subscriber late = new Subscriber(broker.port(), status, broker.clientSsl(EGIZCORE))) {
        await().atMost(WAIT).until(() -> late.matching(r -> r.retain() && r.isStatus("offline")).size() == 1);
      }
      judge.assertAllValid(core.all());
    }
  }

  /** FR-1.6: a device that hangs with its connection open is declared offline within the spec's 30 s. */
  @Test
  void aHungDeviceIsMarkedOfflineByItsWillWithinThirtySeconds() throws Exception {
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      DeviceProcess env = device("esp32-zonea-env", "environmental", "environment", "zone-a", broker.port());
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("online")) >= 1);
      env.freeze();
      // Keep-alive 20 s: the broker gives up after 1.5 periods, 30 s; a second's margin for the test's own timing.
      await().atMost(Duration.ofSeconds(31)).until(() -> core.count(r -> r.isStatus("offline")) == 1);
      assertThat(core.matching(r -> r.isStatus("offline")).getFirst().deviceId()).isEqualTo("esp32-zonea-env");
    }
  }

  @Test
  void itBuffersWhileTheBrokerIsDownAndDeliversTheWholeBacklogToTheRestartedBroker() throws Exception {
    Set<Instant> delivered = new HashSet<>();
    try (TcpProxy proxy = new TcpProxy(broker.port())) {
      DeviceProcess elec;
      try (Subscriber before = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
        elec = device("esp32-oven001-elec", "electrical", "oven", "oven-001", proxy.port());
        await().atMost(WAIT).until(() -> before.count(Received::isTelemetry) >= 10);
        // The network goes, then the broker restarts while the device is away.
        proxy.accepting(false);
        proxy.cutAll();
        await().atMost(WAIT).until(() -> lastBuffered(elec) >= 20);
        timestamps(before, delivered);
      }
      broker.restart();
      try (Subscriber after = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
        proxy.accepting(true);
        await().atMost(WAIT).until(() -> RECONNECTED.matcher(elec.log()).find());
        Matcher m = RECONNECTED.matcher(elec.log());
        assertThat(m.find()).isTrue();
        long backlog = Long.parseLong(m.group(1));
        assertThat(backlog).isGreaterThanOrEqualTo(20);
        // The backlog goes first; fresh readings follow it.
        await().atMost(WAIT).until(() -> after.count(Received::isTelemetry) >= backlog + 10);
        assertThat(elec.stop()).isZero();
        long[] counters = elec.stoppedCounters();
        assertThat(counters[2]).as("unacknowledged at stop").isZero();
        assertThat(counters[3]).as("dropped").isZero();
        // None lost: every reading the device took reached a subscriber, before or after the restart.
        await().atMost(WAIT).until(() -> {
          Set<Instant> all = new HashSet<>(delivered);
          timestamps(after, all);
          return all.size() == counters[0];
        });
        List<Instant> order = after.matching(Received::isTelemetry).stream().map(Received::timestamp).toList();
        assertThat(order).as("oldest first, in the order taken").isSorted();
        judge.assertAllValid(after.all());
      }
    }
  }

  /**
   * A device that boots while the broker is down keeps trying with backoff (a refused TCP connect under TLS is
   * noticed at once, not after the 15 s connect timeout) and delivers what it buffered once the broker is up.
   */
  @Test
  void aDeviceThatBootsBeforeTheBrokerRetriesWithBackoffAndDeliversItsReadings() throws Exception {
    broker.stop();
    DeviceProcess env = device("esp32-zonea-env", "environmental", "environment", "zone-a", broker.port());
    await().atMost(Duration.ofSeconds(6)).until(() -> env.log().lines()
        .filter(l -> l.contains("connection failed: cannot connect")).count() >= 3);
    broker.startAgain();
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      await().atMost(WAIT)
          .until(() -> core.count(r -> r.isStatus("online")) == 1 && core.count(Received::isTelemetry) >= 30);
      List<Instant> order = core.matching(Received::isTelemetry).stream().map(Received::timestamp).toList();
      assertThat(order).as("oldest first, in the order taken").isSorted();
      assertThat(env.stop()).isZero();
      assertThat(env.stoppedCounters()[3]).as("dropped").isZero();
      judge.assertAllValid(core.all());
    }
  }

  /** FR-1.7's overflow policy in the real process: past the buffer's size the oldest go, and are counted. */
  @Test
  void aFullBufferDropsTheOldestReadingsAndCountsThem() throws Exception {
    broker.stop();
    DeviceProcess env = device("esp32-zonea-env", "environmental", "environment", "zone-a", broker.port(),
        "--buffer", "10");
    await().atMost(WAIT).until(() -> lastBuffered(env) == 10);
    broker.startAgain();
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      await().atMost(WAIT).until(() -> core.count(Received::isTelemetry) >= 20);
      assertThat(env.stop()).isZero();
      long[] counters = env.stoppedCounters();
      assertThat(counters[2]).as("unacknowledged at stop").isZero();
      assertThat(counters[3]).as("dropped").isPositive();
      // Every reading taken either reached the subscriber or was counted as dropped.
      await().atMost(WAIT).until(() -> {
        Set<Instant> seen = new HashSet<>();
        timestamps(core, seen);
        return seen.size() == counters[0] - counters[3];
      });
      judge.assertAllValid(core.all());
    }
  }

  /** FR-1.3's other way in: a username (the device id) and a password from a Mosquitto-format password file. */
  @Test
  void withAPasswordItIsAcceptedAndTheShippedAclLetsItPublishAWrongOneIsRefused() throws Exception {
    String line = "esp32-oven001-elec:"
        + PasswordHash.create("dev-secret".getBytes(StandardCharsets.UTF_8), 101, new SecureRandom()).encoded();
    Path passwd = Files.writeString(dir.resolve("passwd"), line + "\n");
    Path audit = dir.resolve("password-audit.log");
    List<String> conf = List.of("listener 0 127.0.0.1", "password_file " + passwd, "allow_anonymous false",
        "acl_file " + TlsBroker.SHIPPED_ACL, "audit_log " + audit);
    try (FluxBroker plain = FluxBroker.builder(ConfigParser.parse("flux.conf", conf).config()).build().start()) {
      List<String> common = List.of("--device-id", "esp32-oven001-elec", "--port", String.valueOf(plain.port()),
          "--rate", "10");
      DeviceProcess good = DeviceProcess.start(dir, "good", concat(common, "--password", "dev-secret"));
      processes.add(good);
      DeviceProcess bad = DeviceProcess.start(dir, "bad", concat(common, "--password", "wrong"));
      processes.add(bad);
      await().atMost(WAIT).until(() -> bad.log().contains("refused by the broker: Connection Refused: bad user name")
          && good.log().contains("connected;"));
      await().atMost(WAIT).until(() -> good.log().lines().filter(l -> l.contains("connected;")).count() == 1
          && Files.exists(audit) && Files.readString(audit).contains("esp32-oven001-elec"));
      assertThat(good.stop()).isZero();
      long[] counters = good.stoppedCounters();
      assertThat(counters[1]).as("acknowledged").isEqualTo(counters[0]).isPositive();
      assertThat(bad.log()).doesNotContain("connected;");
      assertThat(Files.readString(audit)).doesNotContain("acl_denied");
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  private static long lastBuffered(DeviceProcess p) throws Exception {
    Matcher m = BUFFERED.matcher(p.log());
    long last = 0;
    while (m.find()) {
      last = Long.parseLong(m.group(1));
    }
    return last;
  }

  private static void timestamps(Subscriber sub, Set<Instant> into) {
    sub.matching(Received::isTelemetry).forEach(r -> into.add(r.timestamp()));
  }

  /** Byte-compatible: read by flux-telemetry and written back, every telemetry and status payload is unchanged. */
  private static void assertSameBytesAsPayloads(List<Received> messages) {
    for (Received r : messages) {
      if (r.isTelemetry()) {
        assertThat(Payloads.toJson(Payloads.fromJson(r.payload(), Telemetry.class))).isEqualTo(r.text());
      } else if (r.topic().endsWith("/status")) {
        assertThat(Payloads.toJson(Payloads.fromJson(r.payload(), Status.class))).isEqualTo(r.text());
      }
    }
  }
}
