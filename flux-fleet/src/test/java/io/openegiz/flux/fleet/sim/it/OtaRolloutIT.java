package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.fleet.ota.Manifest;
import io.openegiz.flux.fleet.ota.OtaKeys;
import io.openegiz.flux.fleet.ota.OtaServer;
import io.openegiz.flux.fleet.ota.Rollout;
import io.openegiz.flux.fleet.ota.SignedManifest;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Signed OTA end to end: three {@code flux-device} processes (the C++ core) behind a Flux broker as production
 * runs it (TLS 1.3, client certificates, the shipped ACL), images served by {@link OtaServer} over HTTPS with the
 * broker's certificate, updates sent by {@link Rollout} as {@code egizcore}, progress read from the devices'
 * retained statuses.
 */
class OtaRolloutIT {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String EGIZCORE = "egizcore";
  private static final String MODEL = "esp32-sensor";
  private static final List<String> DEVICES = List.of("esp32-oven001-therm", "esp32-oven001-elec",
      "esp32-mixer001-elec");
  private final SchemaJudge judge = new SchemaJudge();
  private final List<DeviceProcess> processes = new ArrayList<>();
  private final List<String> httpLog = new CopyOnWriteArrayList<>();
  private final List<String> rolloutLog = new CopyOnWriteArrayList<>();
  @TempDir
  Path dir;
  private TlsBroker broker;
  private OtaServer server;
  private Path pub;
  private byte[] image;
  private SignedManifest signed;

  @BeforeEach
  void start() throws Exception {
    List<String> clients = new ArrayList<>(DEVICES);
    clients.add(EGIZCORE);
    broker = new TlsBroker(dir, clients);
    OtaKeys.Written keys = OtaKeys.generate(dir.resolve("ota-keys"));
    pub = keys.publicKey();
    Path images = Files.createDirectories(dir.resolve("images"));
    image = new byte[300_000];
    new Random(11).nextBytes(image);
    Path fw = images.resolve("fw-1.3.0.bin");
    Files.write(fw, image);
    signed = SignedManifest.sign(Manifest.ofImage(fw, MODEL, "1.3.0"), OtaKeys.readPrivate(keys.privateKey()));
    signed.writeBeside(fw);
    byte[] tampered = image.clone();
    tampered[150_000] ^= 0x20;
    Files.write(images.resolve("fw-1.3.0-tampered.bin"), tampered);
    TlsBroker.ClientFiles s = broker.serverFiles();
    server = OtaServer.start(images, s.cert(), s.key(), "127.0.0.1", 0, httpLog::add);
  }

  @AfterEach
  void stopAll() throws Exception {
    for (DeviceProcess p : processes) {
      p.close();
    }
    server.close();
    broker.close();
  }

  private DeviceProcess device(String id, String sensor, String equipmentId) throws Exception {
    return device(id, sensor, equipmentId, pub);
  }

  private DeviceProcess device(String id, String sensor, String equipmentId, Path otaKey) throws Exception {
    TlsBroker.ClientFiles files = broker.clientFiles(id);
    Path state = Files.createDirectories(dir.resolve("state-" + id));
    DeviceProcess p = DeviceProcess.start(dir, id, List.of("--device-id", id, "--sensor", sensor,
        "--equipment-type", "oven", "--equipment-id", equipmentId, "--host", "127.0.0.1", "--port",
        String.valueOf(broker.port()), "--cafile", files.ca().toString(), "--cert", files.cert().toString(), "--key",
        files.key().toString(), "--rate", "10", "--ota-key", otaKey.toString(), "--state-dir", state.toString(),
        "--model", MODEL));
    processes.add(p);
    return p;
  }

  /** The operator's connection, as egizcore: the shipped ACL lets it read every status and write commands. */
  private DeviceStatuses operator() throws Exception {
    return DeviceStatuses.connect(new DeviceStatuses.Broker("127.0.0.1", broker.port(), broker.clientSsl(EGIZCORE),
        null, null));
  }

  private String url(String file) {
    return "https://127.0.0.1:" + server.port() + "/" + file;
  }

  private Rollout.Plan plan(String file) {
    return new Rollout.Plan(signed, url(file), DEVICES, 1, 2, 1, 0.0, WAIT);
  }

  @Test
  void aTamperedCanaryStopsTheRolloutThenTheSignedImageReachesAllThreeDevices() throws Exception {
    device("esp32-oven001-therm", "thermal", "oven-001");
    device("esp32-oven001-elec", "electrical", "oven-001");
    device("esp32-mixer001-elec", "electrical", "mixer-001");
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE));
        DeviceStatuses statuses = operator()) {
      await().atMost(WAIT).until(() -> statuses.latest().keySet().containsAll(DEVICES));
      Rollout rollout = new Rollout(statuses, Clock.systemUTC(), rolloutLog::add);

      // The canary is served a tampered image: it refuses it, the rollout stops, the others are never sent it.
      Rollout.Result first = rollout.run(plan("fw-1.3.0-tampered.bin"));
      assertThat(first.outcomes()).hasSize(1);
      Rollout.Outcome canary = first.outcomes().get(0);
      assertThat(canary.deviceId()).isEqualTo("esp32-oven001-therm");
      assertThat(canary.state()).isEqualTo(Status.Ota.State.REFUSED);
      assertThat(canary.detail()).startsWith("HashMismatch: the image's SHA-256 is ");
      assertThat(first.stopReason()).isEqualTo("the canary wave failed (1 of 1)");
      assertThat(first.notStarted()).containsExactly("esp32-oven001-elec", "esp32-mixer001-elec");
      assertThat(Files.list(dir.resolve("state-esp32-oven001-therm/ota")).map(p -> p.getFileName().toString()))
          .doesNotContain("next.bin", "current.bin");

      // The signed image: canary first, then a wave of two, one download at a time; each reboots and confirms.
      Rollout.Result second = rollout.run(plan("fw-1.3.0.bin"));
      assertThat(second.allSucceeded()).as(String.join("\n", rolloutLog)).isTrue();
      assertThat(second.outcomes()).extracting(Rollout.Outcome::deviceId).containsExactlyElementsOf(DEVICES);
      // --max-downloads 1: the second device of the wave is sent the update only once the first has downloaded.
      List<String> lines = List.copyOf(rolloutLog);
      assertThat(lines.indexOf(lines.stream().filter(l -> l.startsWith("esp32-mixer001-elec: sent")).findFirst()
          .orElseThrow())).isGreaterThan(lines.indexOf(lines.stream()
              .filter(l -> l.startsWith("esp32-oven001-elec: installed 1.3.0")).findFirst().orElseThrow()));
      await().atMost(WAIT).untilAsserted(() -> assertThat(statuses.latest().values())
          .allSatisfy(s -> assertThat(s.status().diagnostics().firmwareVersion()).isEqualTo("1.3.0")));
      for (String id : DEVICES) {
        assertThat(Files.readAllBytes(dir.resolve("state-" + id + "/ota/current.bin"))).isEqualTo(image);
        List<Status.Ota.State> steps = core.matching(r -> r.topic().endsWith("/status")).stream()
            .map(r -> Payloads.fromJson(r.payload(), Status.class)).filter(s -> s.deviceId().equals(id))
            .filter(s -> s.ota() != null && s.ota().requestId().startsWith("ota-1.3.0-")
                && s.ota().version().equals("1.3.0"))
            .map(s -> s.ota().state()).distinct().toList();
        assertThat(steps).as(id).containsSubsequence(Status.Ota.State.DOWNLOADING, Status.Ota.State.INSTALLED,
            Status.Ota.State.BOOTED, Status.Ota.State.CONFIRMED);
      }
      // Every status, answer and telemetry message on the way validates against its schema.
      judge.assertAllValid(core.all());
      assertThat(broker.auditLog()).doesNotContain("acl_denied", "certificate_rejected");
      assertThat(httpLog).anyMatch(l -> l.contains("GET fw-1.3.0.bin 200"));

      // The same update again is a downgrade now: refused before a byte is downloaded.
      int gets = httpLog.size();
      Rollout.Result again = rollout.run(new Rollout.Plan(signed, url("fw-1.3.0.bin"), DEVICES.subList(0, 1), 1, 1,
          1, 0.0, WAIT));
      assertThat(again.outcomes().get(0).detail())
          .isEqualTo("NotNewer: version 1.3.0 is not newer than the running 1.3.0 (no downgrade)");
      assertThat(httpLog).hasSize(gets);
    }
  }

  @Test
  void aFailureRateAboveTheLimitAfterTheCanaryStopsTheRollout() throws Exception {
    // The second device was built with another OTA key: it refuses the signature, 1 failure of 2 is above 0.4.
    Path otherKey = OtaKeys.generate(dir.resolve("other-keys")).publicKey();
    device("esp32-oven001-therm", "thermal", "oven-001");
    device("esp32-oven001-elec", "electrical", "oven-001", otherKey);
    device("esp32-mixer001-elec", "electrical", "mixer-001");
    try (DeviceStatuses statuses = operator()) {
      await().atMost(WAIT).until(() -> statuses.latest().keySet().containsAll(DEVICES));
      Rollout.Result result = new Rollout(statuses, Clock.systemUTC(), rolloutLog::add)
          .run(new Rollout.Plan(signed, url("fw-1.3.0.bin"), DEVICES, 1, 1, 1, 0.4, WAIT));
      assertThat(result.outcomes()).extracting(Rollout.Outcome::state)
          .containsExactly(Status.Ota.State.CONFIRMED, Status.Ota.State.REFUSED);
      assertThat(result.outcomes().get(1).detail())
          .isEqualTo("BadSignature: the manifest's signature does not verify with the built-in OTA key");
      assertThat(result.stopReason()).isEqualTo("failure rate 1/2 is above --max-failure-rate 0.4");
      assertThat(result.notStarted()).containsExactly("esp32-mixer001-elec");
      assertThat(statuses.latest().get("esp32-mixer001-elec").status().diagnostics().firmwareVersion())
          .isEqualTo("0.1.0");
    }
  }

  @Test
  void anImageThatCannotReconnectAfterItsBootIsRolledBack() throws Exception {
    DeviceProcess p = device("esp32-oven001-elec", "electrical", "oven-001");
    Path state = dir.resolve("state-esp32-oven001-elec/ota");
    try (DeviceStatuses statuses = operator()) {
      await().atMost(WAIT).until(() -> statuses.latest().containsKey("esp32-oven001-elec"));
      Map<String, DeviceStatuses.Seen> seen = statuses.latest();
      // Installed, then killed before its new image ever published: at the next boot it runs 1.3.0 on trial,
      // killed again unconfirmed, the boot after that goes back to the factory image.
      statuses.onStatus(s -> {
        if (s.status().ota() != null && s.status().ota().state() == Status.Ota.State.INSTALLED) {
          broker.stop();
        }
      });
      statuses.send(seen.get("esp32-oven001-elec").commandTopic(), Payloads.toJson(
          new io.openegiz.flux.telemetry.Command.Ota("rb-1", url("fw-1.3.0.bin"), signed.manifest().sha256(),
              signed.signatureBase64(), "1.3.0", signed.manifestBase64(), "esp32-oven001-elec")));
      await().atMost(WAIT).until(() -> Files.readString(state.resolve("boot")).contains("state=booted"));
      p.kill9();
      DeviceProcess again = device("esp32-oven001-elec", "electrical", "oven-001");
      await().atMost(WAIT).until(() -> Files.readString(state.resolve("boot")).contains("state=rolled_back"));
      broker.startAgain();
      try (DeviceStatuses after = operator()) {
        await().atMost(WAIT).untilAsserted(() -> {
          DeviceStatuses.Seen last = after.latest().get("esp32-oven001-elec");
          assertThat(last).isNotNull();
          Status s = last.status();
          assertThat(s.status()).isEqualTo(Status.State.ONLINE);
          assertThat(s.diagnostics().firmwareVersion()).isEqualTo("0.1.0");
          assertThat(s.ota().state()).isEqualTo(Status.Ota.State.ROLLED_BACK);
          assertThat(s.ota().detail()).isEqualTo("1.3.0 did not reconnect and publish after its boot; back to 0.1.0");
        });
      }
      assertThat(again.log()).contains("firmware 0.1.0 (model esp32-sensor)");
    }
  }
}
