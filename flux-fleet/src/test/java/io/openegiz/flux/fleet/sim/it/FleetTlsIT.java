package io.openegiz.flux.fleet.sim.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.SensorMix;
import io.openegiz.flux.fleet.sim.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The fleet as production would run it: mutual TLS 1.3, each device presenting its own certificate from a
 * {@code flux certs} directory (CN = device_id), and the shipped ACL deciding what each may do.
 */
class FleetTlsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);
  /** Electrical=2, thermal=1, environmental=1 on 4 devices: exactly the devices the shipped ACL provisions. */
  private static final String MIX = "electrical=2,thermal=1,environmental=1";
  private static final List<String> DEVICES = List.of("esp32-oven001-elec", "esp32-oven001-therm",
      "esp32-mixer001-elec", "esp32-zonea-env");
  private static final String EGIZCORE = "egizcore";
  private static final String OVEN_COMMAND = "openegiz/factory-a/oven/oven-001/command";
  private final SchemaJudge judge = new SchemaJudge();
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
  void stopBroker() {
    broker.close();
  }

  private FleetConfig config(MqttVersion version) {
    return FleetConfig.defaults("127.0.0.1", broker.port(), DEVICES.size()).withInterval(Duration.ofMillis(200))
        .withIdentity("factory-a", SensorMix.parse(MIX), 7).withMqttVersion(version)
        .withTiming(Duration.ofSeconds(1), Duration.ofMillis(100), Duration.ofMillis(500)).withConnectRate(1000)
        .withSecurity(TlsSettings.perDevice(broker.certDir(), null, false), null, null);
  }

  @ParameterizedTest
  @EnumSource(MqttVersion.class)
  void eachDeviceConnectsWithItsOwnCertificateAndTheAclLetsItsTrafficThrough(MqttVersion version)
      throws Exception {
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      Fleet fleet = Fleet.start(config(version));
      assertThat(fleet.devices()).extracting(d -> d.spec().deviceId()).containsExactlyElementsOf(DEVICES);
      await().atMost(WAIT)
          .until(() -> DEVICES.stream().allMatch(id -> core.count(r -> r.isTelemetry() && r.deviceId().equals(id)) >= 3
              && core.count(r -> r.isStatus("online") && r.deviceId().equals(id)) >= 1));

      // Commands from EgizCore reach the oven's two devices; their answers pass the ACL's response lines.
      core.publish(OVEN_COMMAND, "{\"command\":\"set_interval\",\"request_id\":\"req-1\",\"interval_seconds\":1}");
      await().atMost(WAIT).until(() -> core.count(r -> r.topic().endsWith("/response")) == 2);
      assertThat(core.matching(r -> r.topic().endsWith("/response"))).extracting(Received::topic)
          .containsExactlyInAnyOrder("openegiz/factory-a/oven/oven-001/electrical/response",
              "openegiz/factory-a/oven/oven-001/thermal/response");

      try (Subscriber late = new Subscriber(broker.port(), "openegiz/+/+/+/+/status", broker.clientSsl(EGIZCORE))) {
        await().atMost(WAIT).until(() -> late.matching(r -> r.retain() && r.isStatus("online")).stream()
            .map(Received::deviceId).distinct().count() == DEVICES.size());
      }
      assertThat(fleet.snapshot().connectFailures()).isZero();
      assertThat(fleet.snapshot().refused()).isZero();
      fleet.close();
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("offline")) == DEVICES.size());
      judge.assertAllValid(core.all());
    }
    assertThat(auditLog()).doesNotContain("certificate_rejected", "acl_denied");
  }

  /**
   * Not a wish but the shipped ACL's effect, pinned so a change is noticed: a device may write only its own
   * topics, so an answer to a Response Topic the requester chose elsewhere is refused, one per oven device.
   */
  @Test
  void anMqtt5ResponseTopicOutsideTheDevicesOwnTopicsIsRefusedByTheAcl() throws Exception {
    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      Fleet fleet = Fleet.start(config(MqttVersion.V5));
      await().atMost(WAIT).until(() -> core.count(r -> r.isStatus("online")) >= DEVICES.size());
      core.request(OVEN_COMMAND, "{\"command\":\"set_interval\",\"request_id\":\"req-9\",\"interval_seconds\":1}",
          "egizcore/replies/req-9", new byte[] {9});
      await().atMost(WAIT).until(() -> auditLog().lines()
          .filter(l -> l.contains("acl_denied") && l.contains("egizcore/replies/req-9")).count() == 2);
      // The command itself took effect.
      assertThat(fleet.device("esp32-oven001-therm").interval()).isEqualTo(Duration.ofSeconds(1));
      fleet.close();
    }
  }

  @Test
  void aRevokedDeviceCanNoLongerConnect() throws Exception {
    String revoked = "esp32-mixer001-elec";
    assertThat(broker.accepts(revoked)).isTrue();
    broker.revoke(revoked);
    // The broker checks its TLS files every 5 s; from then on the revoked certificate is refused.
    await().atMost(WAIT).until(() -> !broker.accepts(revoked));

    try (Subscriber core = new Subscriber(broker.port(), "openegiz/#", broker.clientSsl(EGIZCORE))) {
      Fleet fleet = Fleet.start(config(MqttVersion.V5));
      List<String> others = DEVICES.stream().filter(id -> !id.equals(revoked)).toList();
      await().atMost(WAIT)
          .until(() -> others.stream().allMatch(id -> core.count(r -> r.isTelemetry() && r.deviceId().equals(id)) >= 2)
              && fleet.snapshot().connectFailures() >= 2);
      assertThat(fleet.device(revoked).isConnected()).isFalse();
      assertThat(fleet.snapshot().connected()).isEqualTo(others.size());
      assertThat(core.matching(r -> r.text().contains(revoked))).isEmpty();
      fleet.close();
      judge.assertAllValid(core.all());
    }
    await().atMost(WAIT).until(() -> auditLog().contains("\"certificate_rejected\""));
    assertThat(auditLog().lines().filter(l -> l.contains("certificate_rejected")))
        .allSatisfy(l -> assertThat(l).containsIgnoringCase("revoked"));
  }

  private String auditLog() throws Exception {
    return broker.auditLog();
  }
}
