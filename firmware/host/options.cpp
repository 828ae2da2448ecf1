#include "options.h"

#include <cerrno>
#include <cstdlib>
#include <map>

namespace flux::host {

std::string usage() {
  return R"(Usage: flux-device --device-id ID [options]

A Flux ESP32 sensor device on Linux: the firmware's core over libmosquitto, with simulated readings
(the physics of `flux fleet`). It publishes telemetry at QoS 1, a retained QoS 2 status with a
Last Will, buffers up to 1000 readings while offline and answers its equipment's commands.

Broker:
  --host HOST              broker host (default 127.0.0.1)
  --port PORT              broker port (default 1883, or 8883 with --cafile)
  --cafile FILE            CA certificate (PEM): connect with TLS 1.3 and verify the broker
  --cert FILE, --key FILE  client certificate and its key (PEM) for X.509 authentication
  --username NAME          username (default: the device id when --password is given)
  --password SECRET        password
Identity and topics:
  --device-id ID           the device id: MQTT client id and username, e.g. esp32-oven001-elec (required)
  --sensor KIND            electrical | thermal | environmental (default electrical)
  --factory ID             factory_id level (default factory-a)
  --equipment-type TYPE    equipment_type level (default oven)
  --equipment-id ID        equipment_id level (default oven-001)
  --topic-prefix PREFIX    instead of the three above and the sensor level:
                           openegiz/{factory}/{equipment_type}/{equipment_id}/{sensor_type}
  --thing-id ID            digital twin id (default factory:{equipment_id})
Behaviour:
  --interval SECONDS       telemetry interval, 1 to 60 (default 1; FR-1.4)
  --rate HZ                readings per second, up to 10; overrides --interval (load tests)
  --heartbeat SECONDS      online-status heartbeat (default 60; FR-1.9)
  --buffer N               readings kept while offline, 1 to 1000 (default 1000; FR-1.7)
  --backoff-max SECONDS    longest reconnect delay, 1 to 300 (default 30)
  --seed N                 seed of the simulated physics (default 1)
  --state-dir DIR          where settings changed by commands (the interval) and the OTA slots survive a restart
OTA (signed updates, docs/ota.md):
  --ota-key FILE           the OTA public key (PEM, EC P-256, from flux ota keygen): accept signed updates;
                           needs --state-dir (DIR/ota holds the image slots and the boot record)
  --ota-cafile FILE        CA of the HTTPS image server (default: --cafile, else the system's CAs)
  --model M                the board model an image must be for (default esp32-{sensor}, e.g. esp32-electrical)
  --ota-trial SECONDS      a new image must reconnect and publish within this after its boot, else it is rolled
                           back (default 120)
  --help                   this text

The sensor level of the topics is electrical, thermal or ambient (environmental), as in flux fleet.
Stop with Ctrl-C or SIGTERM: the device publishes a retained offline status and disconnects.
)";
}

namespace {

bool to_number(const std::string& s, double& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtod(s.c_str(), &end);
  return errno == 0 && end != nullptr && *end == '\0';
}

bool to_int(const std::string& s, int64_t& out) {
  if (s.empty()) return false;
  char* end = nullptr;
  errno = 0;
  out = std::strtoll(s.c_str(), &end, 10);
  return errno == 0 && end != nullptr && *end == '\0';
}

const char* topic_level(fw::SensorKind kind) {
  switch (kind) {
    case fw::SensorKind::Electrical: return "electrical";
    case fw::SensorKind::Thermal: return "thermal";
    case fw::SensorKind::Environmental: return "ambient";
  }
  return "";
}

}  // namespace

std::vector<std::string> parse_options(const std::vector<std::string>& args, HostOptions& out) {
  std::vector<std::string> errors;
  std::map<std::string, std::string> v;
  static const char* const kKnown[] = {"--host", "--port", "--cafile", "--cert", "--key", "--username", "--password",
                                       "--device-id", "--sensor", "--factory", "--equipment-type", "--equipment-id",
                                       "--topic-prefix", "--thing-id", "--interval", "--rate", "--heartbeat",
                                       "--buffer", "--backoff-max", "--seed", "--state-dir", "--ota-key",
                                       "--ota-cafile", "--model", "--ota-trial"};
  for (size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::string value;
    bool inline_value = false;
    if (name == "--help" || name == "-h") {
      out.help = true;
      continue;
    }
    size_t eq = name.find('=');
    if (name.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      inline_value = true;
    }
    bool known = false;
    for (const char* k : kKnown) known = known || name == k;
    if (!known) {
      errors.push_back(name + ": unknown option; see --help");
      continue;
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        errors.push_back(name + ": needs a value");
        continue;
      }
      value = args[++i];
    }
    if (v.count(name) > 0) errors.push_back(name + ": given twice");
    v[name] = value;
  }
  if (out.help) return {};

  auto has = [&v](const char* k) { return v.count(k) > 0; };
  auto number = [&](const char* k, double lo, double hi, const char* accepted, double& dst) {
    if (!has(k)) return false;
    double d = 0;
    if (!to_number(v[k], d) || d < lo || d > hi) {
      errors.push_back(std::string(k) + ": \"" + v[k] + "\"; accepted: " + accepted);
      return false;
    }
    dst = d;
    return true;
  };
  auto integer = [&](const char* k, int64_t lo, int64_t hi, const char* accepted, int64_t& dst) {
    if (!has(k)) return false;
    int64_t n = 0;
    if (!to_int(v[k], n) || n < lo || n > hi) {
      errors.push_back(std::string(k) + ": \"" + v[k] + "\"; accepted: " + accepted);
      return false;
    }
    dst = n;
    return true;
  };

  if (has("--host")) out.host = v["--host"];
  int64_t n = 0;
  if (integer("--port", 1, 65535, "a port from 1 to 65535", n)) out.port = static_cast<int>(n);
  out.cafile = has("--cafile") ? v["--cafile"] : "";
  out.cert = has("--cert") ? v["--cert"] : "";
  out.key = has("--key") ? v["--key"] : "";
  if (out.cert.empty() != out.key.empty()) errors.push_back("--cert and --key: give both or neither");
  if (!out.cert.empty() && out.cafile.empty()) errors.push_back("--cert: needs --cafile (a client certificate is sent only over TLS)");
  out.password_given = has("--password");
  out.password = out.password_given ? v["--password"] : "";
  out.username = has("--username") ? v["--username"] : "";
  if (has("--state-dir")) out.state_dir = v["--state-dir"];
  int64_t seed = 1;
  if (integer("--seed", 0, INT64_MAX, "a non-negative integer", seed)) out.seed = static_cast<uint64_t>(seed);

  if (has("--sensor")) {
    const std::string& s = v["--sensor"];
    if (s == "electrical") out.kind = fw::SensorKind::Electrical;
    else if (s == "thermal") out.kind = fw::SensorKind::Thermal;
    else if (s == "environmental") out.kind = fw::SensorKind::Environmental;
    else errors.push_back("--sensor: \"" + s + "\"; accepted: electrical, thermal, environmental");
  }

  fw::DeviceIdentity& id = out.device.identity;
  if (!has("--device-id")) errors.push_back("--device-id: is required, e.g. --device-id esp32-oven001-elec");
  id.device_id = has("--device-id") ? v["--device-id"] : "";
  if (has("--topic-prefix")) {
    for (const char* k : {"--factory", "--equipment-type", "--equipment-id"}) {
      if (has(k)) errors.push_back(std::string(k) + ": not with --topic-prefix, which gives every level");
    }
    std::string e = fw::parse_topic_prefix(v["--topic-prefix"], id);
    if (!e.empty()) errors.push_back("--topic-prefix: " + e);
  } else {
    id.factory_id = has("--factory") ? v["--factory"] : "factory-a";
    id.equipment_type = has("--equipment-type") ? v["--equipment-type"] : "oven";
    id.equipment_id = has("--equipment-id") ? v["--equipment-id"] : "oven-001";
    id.sensor_level = topic_level(out.kind);
  }
  id.thing_id = has("--thing-id") ? v["--thing-id"] : "factory:" + id.equipment_id;

  double seconds = 0;
  if (number("--interval", 1, 60, "1 to 60 seconds (FR-1.4)", seconds)) {
    out.device.interval_ms = static_cast<uint32_t>(seconds * 1000 + 0.5);
  }
  double hz = 0;
  if (number("--rate", 1.0 / 60, 10, "a rate above 0 and at most 10 Hz", hz)) {
    out.device.interval_ms = static_cast<uint32_t>(1000 / hz + 0.5);
  }
  if (number("--heartbeat", 1, 3600, "1 to 3600 seconds", seconds)) {
    out.device.heartbeat_ms = static_cast<uint32_t>(seconds * 1000 + 0.5);
  }
  if (integer("--buffer", 1, 1000, "1 to 1000 readings (FR-1.7)", n)) out.device.buffer_capacity = static_cast<size_t>(n);
  if (number("--backoff-max", 1, 300, "1 to 300 seconds", seconds)) {
    out.device.backoff_cap_ms = static_cast<uint32_t>(seconds * 1000 + 0.5);
  }
  out.device.firmware_version = FLUX_FIRMWARE_VERSION;
  out.ota_key = has("--ota-key") ? v["--ota-key"] : "";
  out.ota_cafile = has("--ota-cafile") ? v["--ota-cafile"] : "";
  out.model = has("--model") ? v["--model"] : std::string("esp32-") + fw::sensor_kind_name(out.kind);
  if (!fw::check_level("--model", out.model).empty()) {
    errors.push_back("--model: \"" + out.model + "\"; accepted: 1 to 64 characters of a-z, 0-9, '-' and '_'");
  }
  if (!out.ota_key.empty() && !has("--state-dir")) {
    errors.push_back("--ota-key: needs --state-dir, where the image slots and the boot record are kept");
  }
  if (has("--ota-cafile") && out.ota_key.empty()) errors.push_back("--ota-cafile: only with --ota-key");
  if (number("--ota-trial", 5, 3600, "5 to 3600 seconds", seconds)) {
    out.ota_trial_ms = static_cast<uint32_t>(seconds * 1000 + 0.5);
  }

  if (errors.empty()) {
    std::string problems = out.device.validate();
    size_t start = 0;
    while (!problems.empty() && start <= problems.size()) {
      size_t nl = problems.find('\n', start);
      errors.push_back(problems.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
  }
  return errors;
}

}  // namespace flux::host
