package io.openegiz.flux.telemetry;

/** The last level of an OpenEgiz topic: what the message on it is. */
public enum TopicKind {
  /** Sensor readings, QoS 1: {@code …/{sensor_type}/telemetry}. */
  TELEMETRY("telemetry"),
  /** A sensor device's retained online/offline status and its LWT: {@code …/{sensor_type}/status}. */
  STATUS("status"),
  /** Commands to the devices of one piece of equipment: {@code …/{equipment_id}/command}. */
  COMMAND("command");

  private final String level;

  TopicKind(String level) {
    this.level = level;
  }

  /** The topic level as written on the wire, e.g. {@code telemetry}. */
  public String level() {
    return level;
  }
}
