package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.fleet.ota.Rollout;
import io.openegiz.flux.fleet.ota.SignedManifest;
import io.openegiz.flux.telemetry.Command;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure rate stops a wave in its middle: before, it was checked only between waves, so a wave of 1,000
 * whose first 100 failed went on telling devices to update. The four devices of the shipped ACL, as HiveMQ
 * clients with their certificates behind a Flux broker with TLS, answer their command as a device would: the
 * canary confirms, the next refuses; the rest of the wave must never be sent the update.
 */
class OtaRolloutWaveIT {
  /** Device, its status topic, and how it ends an update. */
  private record Scripted(String id, String statusTopic, Status.Ota.State answer) {}

  private static final List<Scripted> DEVICES = List.of(
      new Scripted("esp32-oven001-therm", "openegiz/factory-a/oven/oven-001/thermal/status",
          Status.Ota.State.CONFIRMED),
      new Scripted("esp32-oven001-elec", "openegiz/factory-a/oven/oven-001/electrical/status",
          Status.Ota.State.REFUSED),
      new Scripted("esp32-mixer001-elec", "openegiz/factory-a/mixer/mixer-001/electrical/status",
          Status.Ota.State.CONFIRMED),
      new Scripted("esp32-zonea-env", "openegiz/factory-a/hall/zone-a/ambient/status", Status.Ota.State.CONFIRMED));

  @TempDir
  Path dir;
  private TlsBroker broker;
  private SignedManifest signed;
  private final List<Mqtt5AsyncClient> clients = new ArrayList<>();
  private final Map<String, List<String>> commands = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws Exception {
    List<String> names = new ArrayList<>(DEVICES.stream().map(Scripted::id).toList());
    names.add("egizcore");
    broker = new TlsBroker(dir, names);
    signed = OtaFixtures.signedTinyImage(dir);
  }

  @AfterEach
  void stop() {
    clients.forEach(Mqtt5AsyncClient::disconnect);
    broker.close();
  }

  /** Connects {@code d} with its certificate, publishes its online status and answers every command for it. */
  private void run(Scripted d) throws Exception {
    Mqtt5AsyncClient c = broker.connect(d.id());
    clients.add(c);
    commands.put(d.id(), new CopyOnWriteArrayList<>());
    String commandTopic = d.statusTopic().substring(0, d.statusTopic().lastIndexOf('/', d.statusTopic()
        .lastIndexOf('/') - 1)) + "/command";
    c.subscribeWith().topicFilter(commandTopic).qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
      Command.Ota ota = Payloads.fromJson(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), Command.Ota.class);
      if (d.id().equals(ota.deviceId())) { // two sensors of oven-001 share its command topic
        commands.get(d.id()).add(ota.requestId());
        status(c, d, new Status.Ota(ota.requestId(), d.answer(), "1.3.0", d.answer() == Status.Ota.State.CONFIRMED
            ? "1.3.0 reconnected and published after its boot; kept"
            : "BadSignature: the manifest's signature does not verify with the built-in OTA key"));
      }
    }).send().get(10, TimeUnit.SECONDS);
    status(c, d, null);
  }

  private static void status(Mqtt5AsyncClient c, Scripted d, Status.Ota ota) {
    Status s = new Status(d.id(), Status.State.ONLINE, Instant.now(), new Status.Diagnostics(180_000, 0, 0, 5,
        "1.2.0"), ota);
    c.publishWith().topic(d.statusTopic()).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(Payloads.toJson(s).getBytes(StandardCharsets.UTF_8)).send();
  }

  @Test
  void aFailureRateCrossedWithinAWaveStopsItBeforeTheRestAreSentTheUpdate() throws Exception {
    for (Scripted d : DEVICES) {
      run(d);
    }
    List<String> ids = DEVICES.stream().map(Scripted::id).toList();
    List<String> log = new CopyOnWriteArrayList<>();
    try (DeviceStatuses statuses = DeviceStatuses.connect(new DeviceStatuses.Broker("127.0.0.1", broker.port(),
        broker.clientSsl("egizcore"), null, null))) {
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.latest().keySet().containsAll(ids));
      // Canary of 1, then one wave of 3, one download at a time; the rate is judged from 2 results on.
      Rollout.Result result = new Rollout(statuses, Clock.systemUTC(), log::add).run(new Rollout.Plan(signed,
          "https://127.0.0.1:9/fw-1.3.0.bin", ids, 1, 3, 1, 0.2, Duration.ofSeconds(20), 2));

      assertThat(result.outcomes()).extracting(Rollout.Outcome::state)
          .containsExactly(Status.Ota.State.CONFIRMED, Status.Ota.State.REFUSED);
      assertThat(result.stopReason()).isEqualTo("failure rate 1/2 is above --max-failure-rate 0.2 (within the wave)");
      assertThat(result.notStarted()).containsExactly("esp32-mixer001-elec", "esp32-zonea-env");
      assertThat(log).contains("stopping: failure rate 1/2 is above --max-failure-rate 0.2 (within the wave); 2"
          + " device(s) of this wave not sent the update");
      assertThat(commands.get("esp32-oven001-therm")).hasSize(1);
      assertThat(commands.get("esp32-oven001-elec")).hasSize(1);
      assertThat(commands.get("esp32-mixer001-elec")).as("never told to update").isEmpty();
      assertThat(commands.get("esp32-zonea-env")).as("never told to update").isEmpty();
    }
  }
}
