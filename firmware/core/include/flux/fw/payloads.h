// The spec's JSON payloads (docs/payloads.md), written byte for byte as flux-telemetry's Payloads.toJson
// writes the same values, so a consumer cannot tell the firmware from `flux fleet`.
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "flux/fw/topics.h"

namespace flux::fw {

struct OtaReport;  // flux/fw/ota.h

/** Which schema a reading follows: the payload's sensor_type. */
enum class SensorKind { Electrical, Thermal, Environmental };

/** "electrical", "thermal" or "environmental". */
const char* sensor_kind_name(SensorKind kind);

struct ElectricalReading {
  double voltage[3];       // V, phases a, b, c
  double current[3];       // A
  double power_factor;     // -1..1
  double active_power_kw;  // negative when exporting
  bool has_energy;         // the register is optional in the schema
  double energy_kwh;
  double frequency_hz;
};

/** Zones an oven reading carries at most: 8 keeps a buffered reading small (the schema allows 64). */
inline constexpr int kMaxZones = 8;

struct ThermalReading {
  int zone_count;          // 1..kMaxZones, numbered from 1
  double zones[kMaxZones]; // C
  double setpoint;         // C
  bool heating_active;
};

struct EnvironmentalReading {
  double temperature_c;
  double humidity_rh;
  double pressure_hpa;
  double co2_ppm;
};

using Measurements = std::variant<ElectricalReading, ThermalReading, EnvironmentalReading>;

SensorKind kind_of(const Measurements& m);

/**
 * Empty when every value is finite and inside its schema range, else what is wrong ("voltage.b: 1200.5 is
 * outside 0..1000"). A reading that fails is logged and not published: the schema would refuse it.
 */
std::string check_measurements(const Measurements& m);

/** The metadata block of a telemetry message. */
struct Metadata {
  std::string firmware_version;
  int rssi;                 // dBm, -127..0
  int64_t uptime_seconds;   // < 0: left out
};

std::string telemetry_json(const DeviceIdentity& id, int64_t utc_ms, const Measurements& m, const Metadata& meta);

/** FR-1.9 counters of an online status. */
struct Diagnostics {
  uint32_t free_heap;
  uint32_t wifi_reconnects;
  uint32_t mqtt_reconnects;
  int64_t uptime_seconds;
  std::string firmware_version;
};

/** An online status with its diagnostics. */
std::string online_status_json(const std::string& device_id, int64_t utc_ms, const Diagnostics& d,
                               const OtaReport* ota = nullptr);

/** An offline status without diagnostics: the Last Will, fixed at connect time, and the clean-stop status. */
std::string offline_status_json(const std::string& device_id, int64_t utc_ms);

/** A command answer, as flux-fleet's command-ack.schema.json has it. */
std::string command_ack_json(const std::string& device_id, const std::string& request_id, const std::string& command,
                             const std::string& result, const std::string& detail, int64_t utc_ms);

}  // namespace flux::fw
