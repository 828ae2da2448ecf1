package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3SubAckException;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAck;
import com.hivemq.client.mqtt.mqtt3.message.subscribe.suback.Mqtt3SubAckReturnCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.security.AclAuthorizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every cell of the FR-3 ACL table, allowed and denied, with real clients against a broker
 * enforcing the shipped {@code deploy/mosquitto-style/acl.conf}. A refused message is shown not to
 * arrive by a marker sent after it: the refusal happens before the PUBACK, so anything routed would
 * be queued ahead of the marker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclIT {
  private static final int GRANTED_QOS_1 = 1;
  private static final int NOT_AUTHORIZED = 0x87;
  private static final int SUCCESS = 0;
  /** PUBACK 0x10: accepted, nobody subscribed (a retained message nobody reads yet). */
  private static final int NO_MATCHING_SUBSCRIBERS = 0x10;

  private static final String OVEN_ELEC = "openegiz/factory-a/oven/oven-001/electrical/";
  private static final String OVEN_THERM = "openegiz/factory-a/oven/oven-001/thermal/";
  private static final String MIXER_ELEC = "openegiz/factory-a/mixer/mixer-001/electrical/";
  private static final String ZONE_A_ENV = "openegiz/factory-a/environment/zone-a/ambient/";
  private static final String OVEN_CMD = "openegiz/factory-a/oven/oven-001/command";
  private static final String MIXER_CMD = "openegiz/factory-a/mixer/mixer-001/command";

  private static final AtomicInteger SEQ = new AtomicInteger();
  TestBroker broker;

  @BeforeAll
  void start() throws Exception {
    broker = brokerWith(acl());
  }

  @AfterAll
  void stop() {
    broker.close();
  }

  /** The ACL file under test. */
  Path acl() {
    return shipped("acl.conf");
  }

  /** A filter a sensor of {@code equipment} (of factory-a) may subscribe to for its commands. */
  String commandFilter(String equipment) {
    return "openegiz/+/+/" + equipment + "/command";
  }

  static Path shipped(String name) {
    Path p = Path.of("deploy/mosquitto-style", name);
    return Files.exists(p) ? p : Path.of("..").resolve(p);
  }

  static TestBroker brokerWith(Path acl) throws Exception {
    return TestBroker.start(FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build())
        .authorizer(new AclAuthorizer(acl)));
  }

  private static String payload() {
    return "m" + SEQ.incrementAndGet();
  }

  /** Sends an allowed message from {@code from}, waits for it at {@code watcher}, returns all received. */
  private static List<String> receivedUpToMarker(AclClient watcher, AclClient from, String markerTopic) {
    String marker = payload();
    assertThat(from.publish(markerTopic, marker)).isEqualTo(SUCCESS);
    watcher.awaitReceived(markerTopic + "=" + marker);
    return watcher.received();
  }

  // ---------------------------------------------------------------- ESP32 sensors: read

  @Test
  void sensorReadsItsEquipmentCommandTopic() {
    try (AclClient elec = AclClient.connect(broker, "esp32-oven001-elec");
        AclClient therm = AclClient.connect(broker, "esp32-oven001-therm");
        AclClient core = AclClient.connect(broker, "egizcore")) {
      assertThat(elec.subscribe(commandFilter("oven-001"))).containsExactly(GRANTED_QOS_1);
      assertThat(therm.subscribe(OVEN_CMD)).containsExactly(GRANTED_QOS_1);
      String cmd = payload();
      assertThat(core.publish(OVEN_CMD, cmd)).isEqualTo(SUCCESS);
      elec.awaitReceived(OVEN_CMD + "=" + cmd);
      therm.awaitReceived(OVEN_CMD + "=" + cmd);
    }
  }

  @Test
  void sensorReadsNothingElse() {
    try (AclClient elec = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(elec.subscribe("openegiz/+/+/mixer-001/command", "openegiz/+/+/+/command", "openegiz/#", "#",
          "openegiz/+/+/oven-001/electrical/telemetry", "openegiz/+/+/oven-001/+/status",
          "$share/g/openegiz/+/+/+/command", commandFilter("oven-001")))
          .containsExactly(NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED,
              NOT_AUTHORIZED, NOT_AUTHORIZED, GRANTED_QOS_1);
    }
  }

  // ---------------------------------------------------------------- ESP32 sensors: write

  @Test
  void everySensorWritesItsOwnTelemetryAndStatus() {
    try (AclClient archiver = AclClient.connect(broker, "archiver")) {
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String[][] devices = {{"esp32-oven001-elec", OVEN_ELEC}, {"esp32-oven001-therm", OVEN_THERM},
          {"esp32-mixer001-elec", MIXER_ELEC}, {"esp32-zonea-env", ZONE_A_ENV}};
      for (String[] d : devices) {
        try (AclClient sensor = AclClient.connect(broker, d[0])) {
          for (String kind : List.of("telemetry", "status")) {
            String p = payload();
            assertThat(sensor.publish(d[1] + kind, p)).as("%s writes %s", d[0], d[1] + kind).isEqualTo(SUCCESS);
            archiver.awaitReceived(d[1] + kind + "=" + p);
          }
        }
      }
    }
  }

  @Test
  void sensorWritesNothingElse() {
    try (AclClient archiver = AclClient.connect(broker, "archiver");
        AclClient elec = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      List<String> denied = List.of(MIXER_ELEC + "telemetry", OVEN_THERM + "telemetry", MIXER_ELEC + "status",
          OVEN_THERM + "status", OVEN_CMD, MIXER_CMD, "openegiz/factory-a/oven/oven-001/status", "other/topic");
      String p = payload();
      for (String topic : denied) {
        assertThat(elec.publish(topic, p)).as("oven001-elec writes %s", topic).isEqualTo(NOT_AUTHORIZED);
      }
      assertThat(receivedUpToMarker(archiver, elec, OVEN_ELEC + "telemetry")).noneMatch(m -> m.endsWith("=" + p));
    }
  }

  // ---------------------------------------------------------------- EgizCore

  @Test
  void egizcoreReadsEverythingUnderOpenegiz() {
    try (AclClient core = AclClient.connect(broker, "egizcore");
        AclClient sensor = AclClient.connect(broker, "esp32-mixer001-elec")) {
      assertThat(core.subscribe("openegiz/#", "openegiz/+/+/+/+/telemetry", "$share/core/openegiz/+/+/+/+/status",
          "#", "$SYS/#", "other/#")).containsExactly(GRANTED_QOS_1, GRANTED_QOS_1, GRANTED_QOS_1,
              NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED);
      String t = payload();
      assertThat(sensor.publish(MIXER_ELEC + "telemetry", t)).isEqualTo(SUCCESS);
      core.awaitReceived(MIXER_ELEC + "telemetry=" + t);
    }
  }

  @Test
  void egizcoreWritesCommandsOnly() {
    try (AclClient core = AclClient.connect(broker, "egizcore");
        AclClient archiver = AclClient.connect(broker, "archiver")) {
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String c = payload();
      assertThat(core.publish(MIXER_CMD, c)).isEqualTo(SUCCESS);
      archiver.awaitReceived(MIXER_CMD + "=" + c);
      String p = payload();
      for (String topic : List.of(OVEN_ELEC + "telemetry", OVEN_ELEC + "status", "openegiz/x", "other/command")) {
        assertThat(core.publish(topic, p)).as("egizcore writes %s", topic).isEqualTo(NOT_AUTHORIZED);
      }
      assertThat(receivedUpToMarker(archiver, core, OVEN_CMD)).noneMatch(m -> m.endsWith("=" + p));
    }
  }

  // ---------------------------------------------------------------- Telegraf (archiver)

  @Test
  void archiverReadsEverythingUnderOpenegizAndWritesNothing() {
    try (AclClient archiver = AclClient.connect(broker, "archiver");
        AclClient core = AclClient.connect(broker, "egizcore");
        AclClient sensor = AclClient.connect(broker, "esp32-zonea-env")) {
      assertThat(archiver.subscribe("openegiz/#", "#", "$SYS/#"))
          .containsExactly(GRANTED_QOS_1, NOT_AUTHORIZED, NOT_AUTHORIZED);
      String t = payload();
      assertThat(sensor.publish(ZONE_A_ENV + "telemetry", t)).isEqualTo(SUCCESS);
      archiver.awaitReceived(ZONE_A_ENV + "telemetry=" + t);
      assertThat(core.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String p = payload();
      for (String topic : List.of(ZONE_A_ENV + "telemetry", ZONE_A_ENV + "status", OVEN_CMD, "other")) {
        assertThat(archiver.publish(topic, p)).as("archiver writes %s", topic).isEqualTo(NOT_AUTHORIZED);
      }
      assertThat(receivedUpToMarker(core, sensor, ZONE_A_ENV + "status")).noneMatch(m -> m.endsWith("=" + p));
    }
  }

  // ---------------------------------------------------------------- ML service

  @Test
  void mlServiceReadsTelemetryOnlyAndWritesNothing() {
    try (AclClient ml = AclClient.connect(broker, "ml-service");
        AclClient core = AclClient.connect(broker, "egizcore");
        AclClient sensor = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(ml.subscribe("openegiz/+/+/+/+/telemetry", "openegiz/+/+/+/electrical/telemetry", "openegiz/#",
          "openegiz/+/+/+/command", "openegiz/+/+/+/+/status", "openegiz/+/+/+/+/+", "#"))
          .containsExactly(GRANTED_QOS_1, GRANTED_QOS_1, NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED,
              NOT_AUTHORIZED, NOT_AUTHORIZED);
      String t = payload();
      assertThat(sensor.publish(OVEN_ELEC + "telemetry", t)).isEqualTo(SUCCESS);
      ml.awaitReceived(OVEN_ELEC + "telemetry=" + t);
      assertThat(core.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String p = payload();
      for (String topic : List.of(OVEN_ELEC + "telemetry", OVEN_CMD, "ml/results")) {
        assertThat(ml.publish(topic, p)).as("ml-service writes %s", topic).isEqualTo(NOT_AUTHORIZED);
      }
      assertThat(receivedUpToMarker(core, sensor, OVEN_ELEC + "status")).noneMatch(m -> m.endsWith("=" + p));
    }
  }

  // ---------------------------------------------------------------- everyone else

  @Test
  void anonymousAndUnknownUsersGetNothing() {
    try (AclClient anon = AclClient.connect(broker, null);
        AclClient stranger = AclClient.connect(broker, "esp32-unknown");
        AclClient archiver = AclClient.connect(broker, "archiver");
        AclClient sensor = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String p = payload();
      for (AclClient c : List.of(anon, stranger)) {
        assertThat(c.subscribe("openegiz/#", OVEN_CMD, "#")).containsExactly(NOT_AUTHORIZED, NOT_AUTHORIZED,
            NOT_AUTHORIZED);
        assertThat(c.publish(OVEN_ELEC + "telemetry", p)).isEqualTo(NOT_AUTHORIZED);
      }
      assertThat(receivedUpToMarker(archiver, sensor, OVEN_ELEC + "telemetry")).noneMatch(m -> m.endsWith("=" + p));
    }
  }

  @Test
  void mqtt311ClientIsRefusedWithSubackFailure() {
    Mqtt3BlockingClient v3 = Mqtt3Client.builder().identifier("acl-it-v3").serverHost(broker.host())
        .serverPort(broker.port()).simpleAuth().username("ml-service").applySimpleAuth().buildBlocking();
    v3.connect();
    try (AclClient sensor = AclClient.connect(broker, "esp32-oven001-elec");
        AclClient archiver = AclClient.connect(broker, "archiver")) {
      assertThat(v3Subscribe(v3, "openegiz/#")).containsExactly(Mqtt3SubAckReturnCode.FAILURE);
      assertThat(Mqtt3SubAckReturnCode.FAILURE.getCode()).isEqualTo(0x80);
      assertThat(v3Subscribe(v3, "openegiz/+/+/+/+/telemetry"))
          .containsExactly(Mqtt3SubAckReturnCode.SUCCESS_MAXIMUM_QOS_1);
      // MQTT 3.1.1 has no way to refuse a PUBLISH: it is acknowledged and dropped.
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String p = payload();
      v3.publishWith().topic(OVEN_CMD).payload(p.getBytes()).qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(receivedUpToMarker(archiver, sensor, OVEN_ELEC + "telemetry")).noneMatch(m -> m.endsWith("=" + p));
    } finally {
      v3.disconnect();
    }
  }

  private static List<Mqtt3SubAckReturnCode> v3Subscribe(Mqtt3BlockingClient c, String filter) {
    Mqtt3SubAck ack;
    try {
      ack = c.subscribeWith().topicFilter(filter).qos(MqttQos.AT_LEAST_ONCE).send();
    } catch (Mqtt3SubAckException e) {
      ack = e.getMqttMessage();
    }
    return ack.getReturnCodes();
  }

  // ---------------------------------------------------------------- retained messages, reload

  @Test
  void retainedMessagesFollowReadAccess() {
    try (AclClient core = AclClient.connect(broker, "egizcore");
        AclClient sensor = AclClient.connect(broker, "esp32-oven001-therm")) {
      String cmd = payload();
      String status = payload();
      assertThat(core.publish(MIXER_CMD, cmd, true)).isIn(SUCCESS, NO_MATCHING_SUBSCRIBERS);
      assertThat(sensor.publish(OVEN_THERM + "status", status, true)).isIn(SUCCESS, NO_MATCHING_SUBSCRIBERS);
      try (AclClient ml = AclClient.connect(broker, "ml-service");
          AclClient mixer = AclClient.connect(broker, "esp32-mixer001-elec");
          AclClient oven = AclClient.connect(broker, "esp32-oven001-elec")) {
        assertThat(ml.subscribe("openegiz/+/+/+/command", "openegiz/+/+/+/+/status"))
            .containsExactly(NOT_AUTHORIZED, NOT_AUTHORIZED);
        assertThat(oven.subscribe("openegiz/+/+/mixer-001/command", commandFilter("oven-001")))
            .containsExactly(NOT_AUTHORIZED, GRANTED_QOS_1);
        assertThat(mixer.subscribe(commandFilter("mixer-001"))).containsExactly(GRANTED_QOS_1);
        mixer.awaitReceived(MIXER_CMD + "=" + cmd);
        assertThat(ml.subscribe("openegiz/+/+/+/+/telemetry")).containsExactly(GRANTED_QOS_1);
        assertThat(receivedUpToMarker(ml, sensor, OVEN_THERM + "telemetry")).noneMatch(m -> m.endsWith("=" + cmd)
            || m.endsWith("=" + status));
        assertThat(receivedUpToMarker(oven, core, OVEN_CMD)).noneMatch(m -> m.endsWith("=" + cmd));
      }
      core.publish(MIXER_CMD, "", true); // clear what this test retained
      sensor.publish(OVEN_THERM + "status", "", true);
    }
  }

  /** A deny rule narrower than a granted subscription filters deliveries, retained ones included. */
  @Test
  void denyFiltersDeliveriesAndRetainedAndReloadChangesItLive(@TempDir Path dir) throws Exception {
    Path acl = Files.writeString(dir.resolve("acl.conf"), """
        user writer
        topic readwrite openegiz/#
        user reader
        topic read openegiz/#
        topic deny openegiz/+/+/+/command
        """);
    AclAuthorizer authorizer = new AclAuthorizer(acl);
    try (TestBroker b = TestBroker.start(FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build())
        .authorizer(authorizer));
        AclClient writer = AclClient.connect(b, "writer")) {
      assertThat(writer.publish(OVEN_CMD, "retained-cmd", true)).isIn(SUCCESS, NO_MATCHING_SUBSCRIBERS);
      assertThat(writer.publish(OVEN_ELEC + "status", "retained-status", true)).isIn(SUCCESS, NO_MATCHING_SUBSCRIBERS);
      try (AclClient reader = AclClient.connect(b, "reader")) {
        assertThat(reader.subscribe("openegiz/#", "openegiz/+/+/+/command"))
            .containsExactly(GRANTED_QOS_1, NOT_AUTHORIZED);
        reader.awaitReceived(OVEN_ELEC + "status=retained-status");
        assertThat(writer.publish(MIXER_CMD, "live-cmd")).isIn(SUCCESS, NO_MATCHING_SUBSCRIBERS);
        assertThat(receivedUpToMarker(reader, writer, OVEN_ELEC + "telemetry"))
            .doesNotContain(OVEN_CMD + "=retained-cmd", MIXER_CMD + "=live-cmd");
      }
      Files.writeString(acl, "user writer\ntopic readwrite openegiz/#\nuser reader\ntopic read openegiz/#\n");
      assertThat(authorizer.reload()).isEmpty();
      try (AclClient reader = AclClient.connect(b, "reader")) {
        assertThat(reader.subscribe("openegiz/+/+/+/command")).containsExactly(GRANTED_QOS_1);
        reader.awaitReceived(OVEN_CMD + "=retained-cmd");
      }
    }
  }

  /**
   * Decisions are remembered per connection and topic (AclCache), and a reload must still reach connections that
   * stay: the writer's publish right and the reader's read right are each used before the reload, then refused on
   * the same connections after it. Fails if a remembered decision outlived the reload.
   */
  @Test
  void aReloadReachesConnectionsThatStay(@TempDir Path dir) throws Exception {
    String rules = """
        user writer
        topic readwrite openegiz/#
        user reader
        topic read openegiz/#
        """;
    Path acl = Files.writeString(dir.resolve("acl.conf"), rules);
    AclAuthorizer authorizer = new AclAuthorizer(acl);
    try (TestBroker b = TestBroker.start(FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build())
        .authorizer(authorizer));
        AclClient writer = AclClient.connect(b, "writer");
        AclClient reader = AclClient.connect(b, "reader")) {
      assertThat(reader.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      String before = payload();
      assertThat(writer.publish(MIXER_CMD, before)).isEqualTo(SUCCESS);
      assertThat(writer.publish(OVEN_CMD, before)).isEqualTo(SUCCESS);
      reader.awaitReceived(MIXER_CMD + "=" + before);
      reader.awaitReceived(OVEN_CMD + "=" + before);
      Files.writeString(acl, rules + "topic deny " + MIXER_CMD + "\nuser writer\ntopic deny " + OVEN_CMD + "\n");
      assertThat(authorizer.reload()).isEmpty();
      String after = payload();
      assertThat(writer.publish(OVEN_CMD, after)).as("the writer's remembered publish right").isEqualTo(NOT_AUTHORIZED);
      assertThat(writer.publish(MIXER_CMD, after)).as("accepted, but the reader, its only subscriber, may no longer"
          + " read it").isEqualTo(NO_MATCHING_SUBSCRIBERS);
      assertThat(receivedUpToMarker(reader, writer, OVEN_ELEC + "telemetry")).as("the reader's remembered read right")
          .doesNotContain(MIXER_CMD + "=" + after, OVEN_CMD + "=" + after);
    }
  }
}
