package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.fleet.ota.OtaException;
import io.openegiz.flux.fleet.ota.Rollout;
import io.openegiz.flux.fleet.ota.SignedManifest;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A device that poses as another in {@code flux ota rollout}: the shipped ACL lets {@code esp32-mixer001-elec}
 * write only its own status topic, but not choose the device_id inside it. Neither a forged {@code confirmed} for
 * another device nor a status claiming another's id (which would route that device's command to the poser) may
 * count. HiveMQ clients with the devices' certificates, a Flux broker with TLS and the shipped ACL.
 */
class OtaRolloutPosingIT {
  private static final String VICTIM = "esp32-oven001-elec";
  private static final String POSER = "esp32-mixer001-elec";
  private static final String VICTIM_STATUS = "openegiz/factory-a/oven/oven-001/electrical/status";
  private static final String POSER_STATUS = "openegiz/factory-a/mixer/mixer-001/electrical/status";
  private static final Pattern REQUEST_ID = Pattern.compile("\"request_id\":\"([^\"]+)-(\\d+)\"");

  @TempDir
  Path dir;
  private TlsBroker broker;
  private SignedManifest signed;
  private final ScheduledExecutorService forger = Executors.newSingleThreadScheduledExecutor();
  private final List<String> commandsToPoser = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    broker = new TlsBroker(dir, List.of(VICTIM, POSER, "egizcore"));
    signed = OtaFixtures.signedTinyImage(dir);
  }

  @AfterEach
  void stop() {
    forger.shutdownNow();
    broker.close();
  }

  private Mqtt5AsyncClient device(String name) throws Exception {
    return broker.connect(name);
  }

  private static void status(Mqtt5AsyncClient c, String topic, String deviceId, Status.Ota ota) throws Exception {
    Status s = new Status(deviceId, Status.State.ONLINE, Instant.now(),
        new Status.Diagnostics(180_000, 0, 0, 5, "1.2.0"), ota);
    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(Payloads.toJson(s).getBytes(StandardCharsets.UTF_8)).send().get(10, TimeUnit.SECONDS);
  }

  private DeviceStatuses operator() throws Exception {
    return DeviceStatuses.connect(new DeviceStatuses.Broker("127.0.0.1", broker.port(), broker.clientSsl("egizcore"),
        null, null));
  }

  private Rollout.Plan plan(List<String> devices) {
    return new Rollout.Plan(signed, "https://127.0.0.1:9/fw-1.3.0.bin", devices, devices.size(), 1, devices.size(),
        0.0, Duration.ofSeconds(3));
  }

  /** The poser learns the rollout's request ids from its own command and confirms the victim's, over and over. */
  private void forgeConfirmationsOnCommand(Mqtt5AsyncClient poser) throws Exception {
    poser.subscribeWith().topicFilter("openegiz/+/+/mixer-001/command").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {
      String command = new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8);
      commandsToPoser.add(command);
      Matcher m = REQUEST_ID.matcher(command);
      if (!m.find()) {
        return;
      }
      String victimRequest = m.group(1) + "-" + (1 - Integer.parseInt(m.group(2))); // the other of two devices
      forger.scheduleAtFixedRate(() -> {
        try {
          status(poser, POSER_STATUS, VICTIM, new Status.Ota(victimRequest, Status.Ota.State.CONFIRMED, "1.3.0",
              "1.3.0 reconnected and published after its boot; kept"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, 0, 100, TimeUnit.MILLISECONDS);
    }).send().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aConfirmationForgedByAnotherDeviceDoesNotCountAsTheVictimsUpdate() throws Exception {
    Mqtt5AsyncClient victim = device(VICTIM); // an old firmware: takes no update, reports none
    Mqtt5AsyncClient poser = device(POSER);
    status(victim, VICTIM_STATUS, VICTIM, null);
    status(poser, POSER_STATUS, POSER, null);
    forgeConfirmationsOnCommand(poser);
    try (DeviceStatuses statuses = operator()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.latest().keySet().containsAll(List.of(VICTIM,
          POSER)));
      Rollout.Result result = new Rollout(statuses, Clock.systemUTC(), line -> {}).run(plan(List.of(POSER, VICTIM)));
      Rollout.Outcome victimOutcome = result.outcomes().stream().filter(o -> o.deviceId().equals(VICTIM))
          .findFirst().orElseThrow();
      assertThat(commandsToPoser).hasSize(1);
      assertThat(victimOutcome.succeeded()).as("the victim never updated: %s", victimOutcome).isFalse();
      assertThat(victimOutcome.detail()).contains("not confirmed within 3 s");
    } finally {
      victim.disconnect();
      poser.disconnect();
    }
  }

  @Test
  void aStatusClaimingAnotherDevicesIdStopsTheRolloutBeforeAnyCommand() throws Exception {
    Mqtt5AsyncClient victim = device(VICTIM);
    Mqtt5AsyncClient poser = device(POSER);
    forgeConfirmationsOnCommand(poser);
    try (DeviceStatuses statuses = operator()) {
      status(victim, VICTIM_STATUS, VICTIM, null);
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.latest().containsKey(VICTIM));
      status(poser, POSER_STATUS, VICTIM, null); // "I am the oven's sensor": its command would come here
      await().atMost(Duration.ofSeconds(10)).until(() -> statuses.latest().get(VICTIM).topic().equals(POSER_STATUS));
      assertThatThrownBy(() -> new Rollout(statuses, Clock.systemUTC(), line -> {}).run(plan(List.of(VICTIM))))
          .isInstanceOf(OtaException.class)
          .hasMessageContaining(VICTIM + " on " + POSER_STATUS + " and " + VICTIM_STATUS)
          .hasMessageContaining("none was sent the update");
      assertThat(commandsToPoser).isEmpty();
    } finally {
      victim.disconnect();
      poser.disconnect();
    }
  }
}
