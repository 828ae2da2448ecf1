#include <doctest/doctest.h>

#include <cmath>

#include "fakes.h"
#include "flux/fw/payloads.h"
#include "flux/fw/platform.h"

using namespace flux::fw;

namespace {
// 2026-01-29T10:30:00.123Z, the PRD's example instant.
constexpr int64_t kExampleMs = 1769682600123LL;

DeviceIdentity oven(const char* device, const char* level) {
  return DeviceIdentity{device, "factory:oven-001", "factory-a", "oven", "oven-001", level};
}
}  // namespace

TEST_CASE("timestamps are UTC with exactly three fraction digits") {
  CHECK(format_utc_millis(kExampleMs) == "2026-01-29T10:30:00.123Z");
  CHECK(format_utc_millis(1769682600000LL) == "2026-01-29T10:30:00.000Z");
  CHECK(format_utc_millis(951782400000LL) == "2000-02-29T00:00:00.000Z");
  CHECK(format_utc_millis(0) == "1970-01-01T00:00:00.000Z");
}

// The expected strings are the PRD's examples (flux-telemetry/src/test/resources/examples) as
// Payloads.toJson writes them: compact, record field order, doubles as Double.toString.
TEST_CASE("electrical telemetry is the PRD example, byte for byte as Payloads.toJson writes it") {
  ElectricalReading e{{220.5, 219.8, 221.0}, {15.2, 14.8, 15.5}, 0.92, 45.2, false, 0, 50.01};
  std::string json = telemetry_json(oven("esp32-oven001-elec", "electrical"), kExampleMs, e, Metadata{"1.2.3", -65, 86400});
  CHECK(json ==
        R"({"device_id":"esp32-oven001-elec","thing_id":"factory:oven-001","timestamp":"2026-01-29T10:30:00.123Z",)"
        R"("sensor_type":"electrical","measurements":{"voltage":{"a":220.5,"b":219.8,"c":221.0,"unit":"V"},)"
        R"("current":{"a":15.2,"b":14.8,"c":15.5,"unit":"A"},"power_factor":0.92,"active_power":{"total":45.2,"unit":"kW"},)"
        R"("frequency":50.01},"metadata":{"firmware_version":"1.2.3","rssi":-65,"uptime_seconds":86400}})");
  e.has_energy = true;
  e.energy_kwh = 31234.567;
  json = telemetry_json(oven("esp32-oven001-elec", "electrical"), kExampleMs, e, Metadata{"1.2.3", -65, -1});
  CHECK(json.find(R"("active_power":{"total":45.2,"unit":"kW"},"energy":{"total":31234.567,"unit":"kWh"},"frequency")") !=
        std::string::npos);
  CHECK(json.find("uptime_seconds") == std::string::npos);
}

TEST_CASE("thermal telemetry is the PRD example") {
  ThermalReading t{3, {185.0, 190.0, 188.5}, 190.0, true};
  CHECK(telemetry_json(oven("esp32-oven001-therm", "thermal"), 1769682600456LL, t, Metadata{"1.2.3", -62, -1}) ==
        R"({"device_id":"esp32-oven001-therm","thing_id":"factory:oven-001","timestamp":"2026-01-29T10:30:00.456Z",)"
        R"("sensor_type":"thermal","measurements":{"temperature_zones":[{"zone":1,"value":185.0,"unit":"C"},)"
        R"({"zone":2,"value":190.0,"unit":"C"},{"zone":3,"value":188.5,"unit":"C"}],"setpoint":190.0,)"
        R"("heating_active":true},"metadata":{"firmware_version":"1.2.3","rssi":-62}})");
}

TEST_CASE("environmental telemetry is the PRD example (co2 as the double Java writes)") {
  EnvironmentalReading e{24.5, 55.2, 1013.25, 450};
  CHECK(telemetry_json(fakes::zone_a(), 1769682600789LL, e, Metadata{"1.1.0", -70, -1}) ==
        R"({"device_id":"esp32-zonea-env","thing_id":"factory:zone-a","timestamp":"2026-01-29T10:30:00.789Z",)"
        R"("sensor_type":"environmental","measurements":{"ambient_temperature":{"value":24.5,"unit":"C"},)"
        R"("humidity":{"value":55.2,"unit":"%RH"},"pressure":{"value":1013.25,"unit":"hPa"},)"
        R"("co2":{"value":450.0,"unit":"ppm"}},"metadata":{"firmware_version":"1.1.0","rssi":-70}})");
}

TEST_CASE("status online carries diagnostics, offline (the LWT) does not") {
  CHECK(online_status_json("esp32-oven001-elec", 1769682600000LL, Diagnostics{45000, 2, 0, 86400, "1.2.3"}) ==
        R"({"device_id":"esp32-oven001-elec","status":"online","timestamp":"2026-01-29T10:30:00.000Z",)"
        R"("diagnostics":{"free_heap":45000,"wifi_reconnects":2,"mqtt_reconnects":0,"uptime_seconds":86400,)"
        R"("firmware_version":"1.2.3"}})");
  CHECK(offline_status_json("esp32-oven001-elec", kExampleMs) ==
        R"({"device_id":"esp32-oven001-elec","status":"offline","timestamp":"2026-01-29T10:30:00.123Z"})");
}

TEST_CASE("command answers follow command-ack.schema.json's field order") {
  CHECK(command_ack_json("esp32-oven001-elec", "req-43", "set_interval", "applied", "telemetry interval is now 10 s",
                         kExampleMs) ==
        R"({"device_id":"esp32-oven001-elec","request_id":"req-43","command":"set_interval","result":"applied",)"
        R"("detail":"telemetry interval is now 10 s","timestamp":"2026-01-29T10:30:00.123Z"})");
}

TEST_CASE("readings outside their schema range are named") {
  CHECK(check_measurements(EnvironmentalReading{24.5, 55.2, 1013.25, 450}).empty());
  CHECK(check_measurements(EnvironmentalReading{24.5, 101.0, 1013.25, 450}) == "humidity.value: 101.0 is outside 0.0..100.0");
  ElectricalReading bad{{230, 1200.5, 230}, {1, 1, 1}, 0.9, 1, false, 0, 50};
  CHECK(check_measurements(bad) == "voltage.b: 1200.5 is outside 0.0..1000.0");
  ThermalReading none{0, {}, 190, true};
  CHECK(check_measurements(none).find("temperature_zones: 0 zones") == 0);
  CHECK_FALSE(check_measurements(EnvironmentalReading{std::nan(""), 50, 1000, 400}).empty());
}
