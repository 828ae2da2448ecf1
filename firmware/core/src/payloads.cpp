#include "flux/fw/payloads.h"

#include <cmath>

#include "flux/fw/json.h"
#include "flux/fw/ota.h"
#include "flux/fw/platform.h"

namespace flux::fw {

const char* sensor_kind_name(SensorKind kind) {
  switch (kind) {
    case SensorKind::Electrical: return "electrical";
    case SensorKind::Thermal: return "thermal";
    case SensorKind::Environmental: return "environmental";
  }
  return "?";
}

SensorKind kind_of(const Measurements& m) { return static_cast<SensorKind>(m.index()); }

namespace {

void check(std::string& errors, const std::string& field, double v, double lo, double hi) {
  if (std::isfinite(v) && v >= lo && v <= hi) return;
  std::string text;
  append_java_double(text, v);
  std::string range;
  append_java_double(range, lo);
  range += "..";
  append_java_double(range, hi);
  errors += (errors.empty() ? "" : "; ") + field + ": " + text + " is outside " + range;
}

void phases(JsonWriter& w, const char* key, const double (&v)[3], const char* unit) {
  w.begin_object(key).field("a", v[0]).field("b", v[1]).field("c", v[2]).field("unit", unit).end_object();
}

void value_unit(JsonWriter& w, const char* key, const char* name, double v, const char* unit) {
  w.begin_object(key).field(name, v).field("unit", unit).end_object();
}

struct MeasurementsWriter {
  JsonWriter& w;
  void operator()(const ElectricalReading& e) const {
    phases(w, "voltage", e.voltage, "V");
    phases(w, "current", e.current, "A");
    w.field("power_factor", e.power_factor);
    value_unit(w, "active_power", "total", e.active_power_kw, "kW");
    if (e.has_energy) value_unit(w, "energy", "total", e.energy_kwh, "kWh");
    w.field("frequency", e.frequency_hz);
  }
  void operator()(const ThermalReading& t) const {
    w.begin_array("temperature_zones");
    for (int z = 0; z < t.zone_count; ++z) {
      w.begin_object().field_int("zone", z + 1).field("value", t.zones[z]).field("unit", "C").end_object();
    }
    w.end_array().field("setpoint", t.setpoint).field_bool("heating_active", t.heating_active);
  }
  void operator()(const EnvironmentalReading& e) const {
    value_unit(w, "ambient_temperature", "value", e.temperature_c, "C");
    value_unit(w, "humidity", "value", e.humidity_rh, "%RH");
    value_unit(w, "pressure", "value", e.pressure_hpa, "hPa");
    value_unit(w, "co2", "value", e.co2_ppm, "ppm");
  }
};

struct MeasurementsChecker {
  std::string& errors;
  void operator()(const ElectricalReading& e) const {
    const char* names[3] = {"a", "b", "c"};
    for (int p = 0; p < 3; ++p) {
      check(errors, std::string("voltage.") + names[p], e.voltage[p], 0, 1000);
      check(errors, std::string("current.") + names[p], e.current[p], 0, 10000);
    }
    check(errors, "power_factor", e.power_factor, -1, 1);
    check(errors, "active_power.total", e.active_power_kw, -100000, 100000);
    if (e.has_energy) check(errors, "energy.total", e.energy_kwh, 0, 1e12);
    check(errors, "frequency", e.frequency_hz, 40, 70);
  }
  void operator()(const ThermalReading& t) const {
    if (t.zone_count < 1 || t.zone_count > kMaxZones) {
      errors += (errors.empty() ? "" : "; ") + std::string("temperature_zones: ") + std::to_string(t.zone_count) +
                " zones; accepted 1.." + std::to_string(kMaxZones);
      return;
    }
    for (int z = 0; z < t.zone_count; ++z) {
      check(errors, "temperature_zones[" + std::to_string(z) + "].value", t.zones[z], -50, 1500);
    }
    check(errors, "setpoint", t.setpoint, -50, 1500);
  }
  void operator()(const EnvironmentalReading& e) const {
    check(errors, "ambient_temperature.value", e.temperature_c, -40, 85);
    check(errors, "humidity.value", e.humidity_rh, 0, 100);
    check(errors, "pressure.value", e.pressure_hpa, 300, 1100);
    check(errors, "co2.value", e.co2_ppm, 0, 50000);
  }
};

}  // namespace

std::string check_measurements(const Measurements& m) {
  std::string errors;
  std::visit(MeasurementsChecker{errors}, m);
  return errors;
}

std::string telemetry_json(const DeviceIdentity& id, int64_t utc_ms, const Measurements& m, const Metadata& meta) {
  JsonWriter w;
  w.begin_object()
      .field("device_id", id.device_id)
      .field("thing_id", id.thing_id)
      .field("timestamp", format_utc_millis(utc_ms))
      .field("sensor_type", sensor_kind_name(kind_of(m)))
      .begin_object("measurements");
  std::visit(MeasurementsWriter{w}, m);
  w.end_object().begin_object("metadata").field("firmware_version", meta.firmware_version).field_int("rssi", meta.rssi);
  if (meta.uptime_seconds >= 0) w.field_int("uptime_seconds", meta.uptime_seconds);
  w.end_object().end_object();
  return w.str();
}

std::string online_status_json(const std::string& device_id, int64_t utc_ms, const Diagnostics& d,
                               const OtaReport* ota) {
  JsonWriter w;
  w.begin_object()
      .field("device_id", device_id)
      .field("status", "online")
      .field("timestamp", format_utc_millis(utc_ms))
      .begin_object("diagnostics")
      .field_int("free_heap", d.free_heap)
      .field_int("wifi_reconnects", d.wifi_reconnects)
      .field_int("mqtt_reconnects", d.mqtt_reconnects)
      .field_int("uptime_seconds", d.uptime_seconds)
      .field("firmware_version", d.firmware_version)
      .end_object();
  if (ota != nullptr) {
    // The last OTA step (status.schema.json "ota"), so flux ota status reads each device's progress.
    w.begin_object("ota")
        .field("request_id", ota->request_id)
        .field("state", ota->state)
        .field("version", ota->version)
        .field("detail", ota->detail.substr(0, 256))
        .end_object();
  }
  w.end_object();
  return w.str();
}

std::string offline_status_json(const std::string& device_id, int64_t utc_ms) {
  JsonWriter w;
  w.begin_object()
      .field("device_id", device_id)
      .field("status", "offline")
      .field("timestamp", format_utc_millis(utc_ms))
      .end_object();
  return w.str();
}

std::string command_ack_json(const std::string& device_id, const std::string& request_id, const std::string& command,
                             const std::string& result, const std::string& detail, int64_t utc_ms) {
  JsonWriter w;
  w.begin_object()
      .field("device_id", device_id)
      .field("request_id", request_id)
      .field("command", command)
      .field("result", result)
      .field("detail", detail)
      .field("timestamp", format_utc_millis(utc_ms))
      .end_object();
  return w.str();
}

}  // namespace flux::fw
