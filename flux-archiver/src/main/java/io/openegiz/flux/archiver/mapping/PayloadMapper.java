package io.openegiz.flux.archiver.mapping;

import io.openegiz.flux.archiver.line.Point;
import io.openegiz.flux.telemetry.ElectricalTelemetry;
import io.openegiz.flux.telemetry.EnvironmentalTelemetry;
import io.openegiz.flux.telemetry.InvalidTopicException;
import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.PayloadException;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import io.openegiz.flux.telemetry.Telemetry;
import io.openegiz.flux.telemetry.ThermalTelemetry;
import io.openegiz.flux.telemetry.TopicKind;
import io.openegiz.flux.telemetry.TopicPath;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Maps an OpenEgiz MQTT message to points (FR-4.2, FR-4.3, FR-4.6; docs/archive.md): one measurement per payload
 * sensor type ({@code electrical}, {@code thermal}, {@code environmental}) and {@code device_status} for status and
 * Last Will messages. Tags come from the topic (factory_id, equipment_type, equipment_id, sensor_type) and the
 * payload (device_id, thing_id); each thermal zone is a point of its own with a {@code zone} tag. Payloads are
 * checked against flux-telemetry's schemas first, so every field has the type the schema gives it.
 */
public final class PayloadMapper {
  /** Measurement of status and LWT messages. */
  public static final String DEVICE_STATUS = "device_status";

  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Maps one message; never throws for bad input, which becomes {@link Mapped.Rejected}. */
  public Mapped map(String topic, byte[] payload, long receivedMillis) {
    TopicPath path;
    try {
      path = TopicPath.parse(topic);
    } catch (InvalidTopicException e) {
      String last = topic.substring(topic.lastIndexOf('/') + 1);
      if (last.equals("telemetry") || last.equals("status")) {
        return new Mapped.Rejected("topic: " + e.getMessage());
      }
      return new Mapped.Ignored("not a telemetry or status topic");
    }
    if (path.kind() == TopicKind.COMMAND) {
      return new Mapped.Ignored("command");
    }
    try {
      boolean receiveTime = false;
      JsonNode node = JSON.readTree(payload); // once: validated and bound from this tree
      if (node instanceof ObjectNode object && !object.has("timestamp")) {
        // FR-4.6: the reading's own time; when a device sends none, the time it reached us, counted in metrics.
        object.put("timestamp", Payloads.timestamp(Instant.ofEpochMilli(receivedMillis)));
        receiveTime = true;
      }
      List<Point> points = path.kind() == TopicKind.STATUS
          ? List.of(status(path, Payloads.fromTree(node, Status.class)))
          : telemetry(path, Payloads.fromTree(node, Telemetry.class));
      return new Mapped.Points(points, receiveTime);
    } catch (PayloadException e) {
      return new Mapped.Rejected(e.getMessage());
    } catch (JacksonException e) {
      return new Mapped.Rejected("$: is not valid JSON: " + e.getOriginalMessage());
    }
  }

  private static List<Point> telemetry(TopicPath path, Telemetry telemetry) {
    long time = telemetry.timestamp().toEpochMilli();
    Point.Builder device = Point.builder(telemetry.sensorType().value(), time).tags(tags(path, telemetry));
    List<Point> points = new ArrayList<>(4);
    switch (telemetry) {
      case ElectricalTelemetry e -> {
        ElectricalTelemetry.Measurements m = e.measurements();
        device.floatField("voltage_a", m.voltage().a()).floatField("voltage_b", m.voltage().b())
            .floatField("voltage_c", m.voltage().c())
            .floatField("current_a", m.current().a()).floatField("current_b", m.current().b())
            .floatField("current_c", m.current().c())
            .floatField("power_factor", m.powerFactor())
            .floatField("active_power_total", m.activePower().total());
        if (m.energy() != null) {
          device.floatField("energy_total", m.energy().total());
        }
        device.floatField("frequency", m.frequency());
      }
      case ThermalTelemetry t -> {
        ThermalTelemetry.Measurements m = t.measurements();
        device.floatField("setpoint", m.setpoint()).boolField("heating_active", m.heatingActive());
        for (ThermalTelemetry.Zone zone : m.temperatureZones()) {
          points.add(Point.builder(telemetry.sensorType().value(), time).tags(tags(path, telemetry))
              .tag("zone", Integer.toString(zone.zone())).floatField("temperature", zone.value()).build());
        }
      }
      case EnvironmentalTelemetry env -> {
        EnvironmentalTelemetry.Measurements m = env.measurements();
        device.floatField("ambient_temperature", m.ambientTemperature().value())
            .floatField("humidity", m.humidity().value())
            .floatField("pressure", m.pressure().value())
            .floatField("co2", m.co2().value());
      }
    }
    metadata(device, telemetry.metadata());
    points.addFirst(device.build());
    return points;
  }

  private static void metadata(Point.Builder device, Metadata metadata) {
    device.intField("rssi", (long) metadata.rssi())
        .intField("uptime_seconds", metadata.uptimeSeconds())
        .stringField("firmware_version", metadata.firmwareVersion());
  }

  private static Point status(TopicPath path, Status status) {
    Point.Builder point = Point.builder(DEVICE_STATUS, status.timestamp().toEpochMilli())
        .tags(topicTags(path)).tag("device_id", status.deviceId())
        .stringField("status", status.status() == Status.State.ONLINE ? "online" : "offline");
    Status.Diagnostics d = status.diagnostics();
    if (d != null) {
      point.intField("free_heap", d.freeHeap()).intField("wifi_reconnects", d.wifiReconnects())
          .intField("mqtt_reconnects", d.mqttReconnects()).intField("uptime_seconds", d.uptimeSeconds())
          .stringField("firmware_version", d.firmwareVersion());
    }
    return point.build();
  }

  private static Map<String, String> tags(TopicPath path, Telemetry telemetry) {
    Map<String, String> tags = new TreeMap<>(topicTags(path));
    tags.put("device_id", telemetry.deviceId());
    tags.put("thing_id", telemetry.thingId());
    return tags;
  }

  private static Map<String, String> topicTags(TopicPath path) {
    return Map.of("factory_id", path.factoryId(), "equipment_type", path.equipmentType(),
        "equipment_id", path.equipmentId(), "sensor_type", path.sensorType());
  }
}
