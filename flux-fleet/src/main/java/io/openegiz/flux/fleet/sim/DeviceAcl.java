package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.SensorDevice;
import java.util.List;

/**
 * The {@code acl_file} section that binds one device to its own factory, equipment and sensor: it writes
 * exactly the topics a device publishes (telemetry, status, command responses) and reads its equipment's
 * command topic, with no wildcard (deploy/mosquitto-style/acl-tight.conf, docs/security.md).
 */
public final class DeviceAcl {
  private DeviceAcl() {
  }

  /** The section's lines: a comment naming the device's place, the {@code user} line and four rules. */
  public static List<String> section(SensorDevice d) {
    return List.of(
        "# " + d.deviceId() + ": " + d.sensorType() + " sensor of " + d.equipmentType() + " " + d.equipmentId()
            + " in " + d.factoryId() + " (flux acl device)",
        "user " + d.deviceId(),
        "topic write " + d.telemetryTopic().name(),
        "topic write " + d.statusTopic().name(),
        "topic write " + ResponseTopics.of(d),
        "topic read " + d.commandTopic().name());
  }
}
