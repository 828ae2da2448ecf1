package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The tight variant, {@code deploy/mosquitto-style/acl-tight.conf} (sections written by
 * {@code flux acl device}): every cell of the FR-3 table as in {@link AclIT}, and in addition a
 * device is bound to its own factory and equipment type.
 */
class TightAclIT extends AclIT {
  private static final int NOT_AUTHORIZED = 0x87;
  private static final int GRANTED_QOS_1 = 1;
  private static final int SUCCESS = 0;
  private static final String OWN = "openegiz/factory-a/oven/oven-001/electrical/";
  private static final String OWN_CMD = "openegiz/factory-a/oven/oven-001/command";
  /** The same equipment id and sensor, as written by another factory or under another equipment type. */
  private static final List<String> IMPERSONATED = List.of("openegiz/factory-b/oven/oven-001/electrical/telemetry",
      "openegiz/factory-b/oven/oven-001/electrical/status", "openegiz/factory-a/mixer/oven-001/electrical/telemetry",
      "openegiz/factory-b/oven/oven-001/electrical/response");
  private static final Map<String, String> COMMANDS = Map.of("oven-001", OWN_CMD,
      "mixer-001", "openegiz/factory-a/mixer/mixer-001/command");

  @Override
  Path acl() {
    return shipped("acl-tight.conf");
  }

  @Override
  String commandFilter(String equipment) {
    return COMMANDS.get(equipment);
  }

  @Test
  void aSensorWritesItsOwnTopicsButNotAsItsEquipmentElsewhere() throws Exception {
    assertThat(impersonations(broker)).allMatch(code -> code == NOT_AUTHORIZED);
    // The default ACL lets the same device do it: the test tells the two files apart.
    try (TestBroker loose = brokerWith(shipped("acl.conf"))) {
      assertThat(impersonations(loose)).allMatch(code -> code == SUCCESS);
    }
  }

  /** The codes esp32-oven001-elec gets for writing IMPERSONATED; shows that none of them reached a reader. */
  private static List<Integer> impersonations(TestBroker b) {
    try (AclClient archiver = AclClient.connect(b, "archiver");
        AclClient elec = AclClient.connect(b, "esp32-oven001-elec")) {
      assertThat(archiver.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      for (String kind : List.of("telemetry", "status", "response")) {
        assertThat(elec.publish(OWN + kind, "own-" + kind)).isEqualTo(SUCCESS);
        archiver.awaitReceived(OWN + kind + "=own-" + kind);
      }
      List<Integer> codes = IMPERSONATED.stream().map(t -> elec.publish(t, "forged")).toList();
      assertThat(elec.publish(OWN + "telemetry", "marker")).isEqualTo(SUCCESS);
      archiver.awaitReceived(OWN + "telemetry=marker");
      boolean forgedArrived = archiver.received().stream().anyMatch(m -> m.endsWith("=forged"));
      assertThat(forgedArrived).isEqualTo(codes.contains(SUCCESS));
      return codes;
    }
  }

  @Test
  void aSensorReadsOnlyItsOwnFactorysCommandTopic() {
    try (AclClient core = AclClient.connect(broker, "egizcore");
        AclClient elec = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(elec.subscribe("openegiz/+/+/oven-001/command", "openegiz/factory-b/oven/oven-001/command",
          "openegiz/factory-a/mixer/oven-001/command", "openegiz/factory-a/oven/+/command", OWN_CMD))
          .containsExactly(NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED, GRANTED_QOS_1);
      assertThat(core.publish("openegiz/factory-b/oven/oven-001/command", "for-factory-b")).isIn(SUCCESS, 0x10);
      assertThat(core.publish(OWN_CMD, "for-me")).isEqualTo(SUCCESS);
      elec.awaitReceived(OWN_CMD + "=for-me");
      assertThat(elec.received()).containsExactly(OWN_CMD + "=for-me");
    }
  }

}
