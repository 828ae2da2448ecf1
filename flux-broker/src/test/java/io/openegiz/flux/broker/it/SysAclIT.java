package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MosquittoCommands.SUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.security.AclAuthorizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code $SYS} is readable only where the ACL allows, like any topic: with the shipped
 * {@code deploy/mosquitto-style/acl.conf}, the {@code monitoring} user reads it and no one else does,
 * and a user granted {@code topic read #} is not granted {@code $SYS} [MQTT-4.7.2-1].
 */
class SysAclIT {
  private static final int GRANTED_QOS_1 = 1;
  private static final int NOT_AUTHORIZED = 0x87;

  @TempDir
  Path tmp;

  @Test
  void onlyTheMonitoringUserOfTheShippedAclReadsSys() throws Exception {
    MosquittoCommands.assertInstalled();
    try (TestBroker broker = brokerWith(AclIT.shipped("acl.conf"));
        AclClient monitoring = AclClient.connect(broker, "monitoring");
        AclClient egizcore = AclClient.connect(broker, "egizcore");
        AclClient device = AclClient.connect(broker, "esp32-oven001-elec")) {
      assertThat(monitoring.subscribe("$SYS/#")).containsExactly(GRANTED_QOS_1);
      await().atMost(Duration.ofSeconds(5))
          .until(() -> monitoring.received().stream().anyMatch(m -> m.startsWith("$SYS/broker/version=flux version ")));
      assertThat(egizcore.subscribe("$SYS/#", "$SYS/broker/uptime")).containsExactly(NOT_AUTHORIZED, NOT_AUTHORIZED);
      assertThat(device.subscribe("$SYS/#")).containsExactly(NOT_AUTHORIZED);
      // what egizcore may read comes through; nothing of $SYS came before it
      assertThat(egizcore.subscribe("openegiz/#")).containsExactly(GRANTED_QOS_1);
      device.publish("openegiz/factory-a/oven/oven-001/electrical/telemetry", "t1");
      egizcore.awaitReceived("openegiz/factory-a/oven/oven-001/electrical/telemetry=t1");
      assertThat(egizcore.received()).noneMatch(m -> m.startsWith("$SYS"));
      assertThat(device.received()).isEmpty();
      assertThat(mosquittoSub(broker, "monitoring")).startsWith("$SYS/broker/version flux version ");
    }
  }

  /** An ACL's {@code #} does not reach {@code $} topics, as a subscription's does not. */
  @Test
  void readHashDoesNotGrantSys() throws Exception {
    Path acl = Files.writeString(tmp.resolve("acl.conf"), "user ops\ntopic read #\n");
    try (TestBroker broker = brokerWith(acl);
        AclClient ops = AclClient.connect(broker, "ops");
        AclClient anonymous = AclClient.connect(broker, null)) {
      assertThat(ops.subscribe("$SYS/#")).containsExactly(NOT_AUTHORIZED);
      assertThat(anonymous.subscribe("$SYS/#")).containsExactly(NOT_AUTHORIZED);
      assertThat(ops.subscribe("#")).containsExactly(GRANTED_QOS_1);
      await().atMost(Duration.ofSeconds(5)).during(Duration.ofMillis(1200)).until(() -> ops.received().isEmpty());
    }
  }

  private static TestBroker brokerWith(Path acl) throws Exception {
    return TestBroker.start(FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").sysInterval(1).build())
        .authorizer(new AclAuthorizer(acl)));
  }

  /** {@code mosquitto_sub -u USER -t '$SYS/broker/version' -C 1 -v}: its one line. */
  private String mosquittoSub(TestBroker broker, String user) throws Exception {
    Path out = tmp.resolve("sub.out");
    Process p = new ProcessBuilder(SUB, "-h", "127.0.0.1", "-p", Integer.toString(broker.port()), "-u", user,
        "-t", "$SYS/broker/version", "-C", "1", "-v", "-W", "10")
        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      assertThat(p.waitFor(15, TimeUnit.SECONDS)).isTrue();
      List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
      return lines.get(0);
    } finally {
      p.destroyForcibly();
    }
  }
}
