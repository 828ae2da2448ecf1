package io.openegiz.flux.telemetry;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One topic of the OpenEgiz hierarchy, built from its levels or parsed from a topic name; see docs/topics.md.
 *
 * <pre>
 * openegiz/{factory_id}/{equipment_type}/{equipment_id}/{sensor_type}/telemetry
 * openegiz/{factory_id}/{equipment_type}/{equipment_id}/{sensor_type}/status
 * openegiz/{factory_id}/{equipment_type}/{equipment_id}/command
 * </pre>
 *
 * @param kind           what the topic carries
 * @param factoryId      the factory level
 * @param equipmentType  the equipment type level, e.g. {@code oven}
 * @param equipmentId    the equipment level, e.g. {@code oven-001}
 * @param sensorType     the sensor level, e.g. {@code electrical}; {@code null} for a command topic
 */
public record TopicPath(TopicKind kind, String factoryId, String equipmentType, String equipmentId, String sensorType) {
  /** The first level of every OpenEgiz topic. */
  public static final String ROOT = "openegiz";

  private static final String SHAPES = "accepted: " + ROOT + "/{factory_id}/{equipment_type}/{equipment_id}/"
      + "{sensor_type}/telemetry, …/{sensor_type}/status or …/{equipment_id}/command";

  /** Validates every level; a command topic has no sensor_type, the others must have one. */
  public TopicPath {
    Objects.requireNonNull(kind, "kind");
    TopicLevels.require("factory_id", factoryId);
    TopicLevels.require("equipment_type", equipmentType);
    TopicLevels.require("equipment_id", equipmentId);
    if (kind == TopicKind.COMMAND) {
      if (sensorType != null) {
        throw new InvalidTopicException("sensor_type \"" + sensorType
            + "\": a command topic has no sensor_type level; commands go to the equipment");
      }
    } else {
      TopicLevels.require("sensor_type", sensorType);
    }
  }

  /** The telemetry topic of one sensor device. */
  public static TopicPath telemetry(String factoryId, String equipmentType, String equipmentId, String sensorType) {
    return new TopicPath(TopicKind.TELEMETRY, factoryId, equipmentType, equipmentId, sensorType);
  }

  /** The status topic of one sensor device: per device, so each ESP32 has its own retained status and LWT. */
  public static TopicPath status(String factoryId, String equipmentType, String equipmentId, String sensorType) {
    return new TopicPath(TopicKind.STATUS, factoryId, equipmentType, equipmentId, sensorType);
  }

  /** The command topic of one piece of equipment, read by all its sensor devices. */
  public static TopicPath command(String factoryId, String equipmentType, String equipmentId) {
    return new TopicPath(TopicKind.COMMAND, factoryId, equipmentType, equipmentId, null);
  }

  /**
   * Parses a topic name of the hierarchy.
   *
   * @throws InvalidTopicException naming the level and value that are wrong and what is accepted
   */
  public static TopicPath parse(String topic) {
    if (topic == null || topic.isEmpty()) {
      throw new InvalidTopicException("topic is empty; " + SHAPES);
    }
    String[] levels = topic.split("/", -1);
    if (!ROOT.equals(levels[0])) {
      throw new InvalidTopicException("topic \"" + topic + "\": first level \"" + levels[0]
          + "\" is not \"" + ROOT + "\"; " + SHAPES);
    }
    String last = levels[levels.length - 1];
    if (levels.length == 6 && (last.equals("telemetry") || last.equals("status"))) {
      TopicKind kind = last.equals("telemetry") ? TopicKind.TELEMETRY : TopicKind.STATUS;
      return new TopicPath(kind, levels[1], levels[2], levels[3], levels[4]);
    }
    if (levels.length == 5 && last.equals("command")) {
      return command(levels[1], levels[2], levels[3]);
    }
    if (levels.length == 5 && last.equals("status")) {
      // The PRD's examples put status on the equipment; we settled on one status per sensor device.
      throw new InvalidTopicException("topic \"" + topic + "\": a status topic has a sensor_type level, "
          + ROOT + "/{factory_id}/{equipment_type}/{equipment_id}/{sensor_type}/status");
    }
    throw new InvalidTopicException("topic \"" + topic + "\": " + levels.length + " levels ending in \""
        + last + "\" is not an OpenEgiz topic; " + SHAPES);
  }

  /** Whether this topic carries a sensor device's messages (telemetry or status) rather than commands. */
  public boolean hasSensorType() {
    return sensorType != null;
  }

  /** The topic name, e.g. {@code openegiz/factory-a/oven/oven-001/electrical/telemetry}. */
  public String name() {
    StringBuilder topic = new StringBuilder(96).append(ROOT)
        .append('/').append(factoryId)
        .append('/').append(equipmentType)
        .append('/').append(equipmentId);
    if (sensorType != null) {
      topic.append('/').append(sensorType);
    }
    return topic.append('/').append(kind.level()).toString();
  }

  /**
   * The levels as tags in a stable order: factory_id, equipment_type, equipment_id, sensor_type (absent for a
   * command topic) and kind; the archiver writes the first four as InfluxDB tags (FR-4.3).
   */
  public Map<String, String> tags() {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("factory_id", factoryId);
    tags.put("equipment_type", equipmentType);
    tags.put("equipment_id", equipmentId);
    if (sensorType != null) {
      tags.put("sensor_type", sensorType);
    }
    tags.put("kind", kind.level());
    return Collections.unmodifiableMap(tags);
  }

  @Override
  public String toString() {
    return name();
  }
}
