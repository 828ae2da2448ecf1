package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.SensorDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Places a fleet's devices on equipment: each thermal sensor gets an oven, and an electrical sensor shares an
 * oven with a thermal one while there are ovens left (the electrical and thermal ESP32 of one oven share its
 * command topic); further electrical sensors go on mixers and environmental ones on zones a, b, … z, aa, ab….
 */
public final class FleetLayout {
  private FleetLayout() {
  }

  /** The devices of a fleet of {@code devices} sensors in {@code factory}, ordered by equipment. */
  public static List<DeviceSpec> plan(String factory, SensorMix mix, int devices) {
    Map<SensorKind, Integer> counts = mix.counts(devices);
    int electrical = counts.get(SensorKind.ELECTRICAL);
    int thermal = counts.get(SensorKind.THERMAL);
    List<DeviceSpec> specs = new ArrayList<>(devices);
    for (int oven = 1; oven <= thermal; oven++) {
      if (oven <= electrical) {
        specs.add(spec(factory, "oven", "oven-" + number(oven), SensorKind.ELECTRICAL));
      }
      specs.add(spec(factory, "oven", "oven-" + number(oven), SensorKind.THERMAL));
    }
    for (int mixer = 1; mixer <= electrical - Math.min(electrical, thermal); mixer++) {
      specs.add(spec(factory, "mixer", "mixer-" + number(mixer), SensorKind.ELECTRICAL));
    }
    for (int zone = 0; zone < counts.get(SensorKind.ENVIRONMENTAL); zone++) {
      specs.add(spec(factory, "environment", "zone-" + letters(zone), SensorKind.ENVIRONMENTAL));
    }
    return specs;
  }

  private static DeviceSpec spec(String factory, String type, String equipment, SensorKind kind) {
    // esp32-oven001-elec: the equipment id without its dash, as in docs/topics.md.
    String deviceId = "esp32-" + equipment.replace("-", "") + "-" + kind.idSuffix();
    SensorDevice device = new SensorDevice(deviceId, factory, type, equipment, kind.topicLevel());
    return new DeviceSpec(device, "factory:" + equipment, kind);
  }

  private static String number(int n) {
    return String.format("%03d", n);
  }

  /** 0 → a, 25 → z, 26 → aa: spreadsheet-style column letters. */
  static String letters(int index) {
    StringBuilder sb = new StringBuilder();
    for (int n = index + 1; n > 0; n = (n - 1) / 26) {
      sb.append((char) ('a' + (n - 1) % 26));
    }
    return sb.reverse().toString();
  }
}
