package io.openegiz.flux.broker.status;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The status page's data at one instant, as JSON: broker health and throughput, extra sections (the
 * archiver under {@code flux up}), and the fleet grouped factory → equipment → device. Field names are
 * in docs/status-page.md.
 */
final class StatusSnapshot {
  /** Bytes a device takes in the snapshot, roughly: the builder's starting capacity. */
  private static final int BYTES_PER_DEVICE = 240;

  private StatusSnapshot() {}

  static String build(FleetView fleet, BrokerRates broker, Map<String, Supplier<Map<String, ?>>> sections,
      long now) {
    List<Device> devices = fleet.devices();
    JsonText json = new JsonText(1024 + devices.size() * BYTES_PER_DEVICE);
    json.open().field("time", now);
    broker.write(json, now);
    for (Map.Entry<String, Supplier<Map<String, ?>>> s : sections.entrySet()) {
      Map<String, ?> values;
      try {
        values = s.getValue().get();
      } catch (RuntimeException e) {
        values = Map.of("error", String.valueOf(e)); // the rest of the page still shows
      }
      json.object(s.getKey(), values);
    }
    int online = 0;
    int offline = 0;
    for (Device d : devices) {
      if (d.state() == Device.State.ONLINE) {
        online++;
      } else if (d.state() == Device.State.OFFLINE) {
        offline++;
      }
    }
    json.open("fleet")
        .field("devices", devices.size())
        .field("online", online)
        .field("offline", offline)
        .field("max_devices", fleet.maxDevices())
        .field("untracked_messages", fleet.untrackedMessages())
        .close();
    writeFactories(json, devices);
    return json.close().toString();
  }

  /** Devices come sorted by key, so each factory's and each equipment's devices are consecutive. */
  private static void writeFactories(JsonText json, List<Device> devices) {
    json.array("factories");
    String factory = null;
    String equipment = null;
    for (Device d : devices) {
      if (!d.factory.equals(factory)) {
        if (factory != null) {
          json.closeArray().close().closeArray().close(); // devices, equipment, equipment list, factory
        }
        factory = d.factory;
        equipment = null;
        json.open().field("id", factory).array("equipment");
      }
      String eq = d.equipmentType + '/' + d.equipmentId;
      if (!eq.equals(equipment)) {
        if (equipment != null) {
          json.closeArray().close();
        }
        equipment = eq;
        json.open().field("type", d.equipmentType).field("id", d.equipmentId).array("devices");
      }
      writeDevice(json, d);
    }
    if (factory != null) {
      json.closeArray().close().closeArray().close();
    }
    json.closeArray();
  }

  private static void writeDevice(JsonText json, Device d) {
    json.open()
        .field("key", d.key)
        .field("sensor", d.sensor)
        .field("device_id", d.deviceId())
        .field("state", d.state().name().toLowerCase(Locale.ROOT))
        .field("state_since", d.stateSinceMillis())
        .field("last_seen", d.lastSeenMillis())
        .field("firmware", d.firmware())
        .value("rssi", d.rssi() == PayloadFields.NO_INT ? null : d.rssi())
        .field("messages", d.telemetryCount())
        .field("rate", d.lastRate())
        .close();
  }
}
