package io.openegiz.flux.telemetry;

/**
 * One ESP32 and its place in the hierarchy; the device_id is its MQTT identity (username and certificate CN),
 * and this mapping is configuration, not something derived from the name.
 *
 * @param deviceId      the device's identity, e.g. {@code esp32-oven001-elec}
 * @param factoryId     the factory level
 * @param equipmentType the equipment type level
 * @param equipmentId   the equipment level
 * @param sensorType    the sensor level
 */
public record SensorDevice(String deviceId, String factoryId, String equipmentType, String equipmentId,
    String sensorType) {

  /** Validates the device_id and every level with the topic character set. */
  public SensorDevice {
    TopicLevels.require("device_id", deviceId);
    TopicLevels.require("factory_id", factoryId);
    TopicLevels.require("equipment_type", equipmentType);
    TopicLevels.require("equipment_id", equipmentId);
    TopicLevels.require("sensor_type", sensorType);
  }

  /** Where this device publishes its readings. */
  public TopicPath telemetryTopic() {
    return TopicPath.telemetry(factoryId, equipmentType, equipmentId, sensorType);
  }

  /** Where this device publishes its retained status and sets its LWT. */
  public TopicPath statusTopic() {
    return TopicPath.status(factoryId, equipmentType, equipmentId, sensorType);
  }

  /** Where this device receives commands, shared with the other devices on the same equipment. */
  public TopicPath commandTopic() {
    return TopicPath.command(factoryId, equipmentType, equipmentId);
  }
}
