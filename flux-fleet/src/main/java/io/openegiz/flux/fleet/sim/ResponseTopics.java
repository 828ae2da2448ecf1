package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.SensorDevice;

/**
 * Where a device answers commands: {@code openegiz/{factory}/{type}/{equipment}/{sensor_type}/response}, beside
 * its status topic, because the command topic is shared by every device of the equipment and the status
 * schema is closed.
 */
public final class ResponseTopics {
  /** The last level of a response topic. */
  public static final String LEVEL = "response";

  private ResponseTopics() {
  }

  public static String of(SensorDevice device) {
    String status = device.statusTopic().name();
    return status.substring(0, status.lastIndexOf('/') + 1) + LEVEL;
  }
}
