#include "flux/fw/topics.h"

#include <vector>

namespace flux::fw {

namespace {

constexpr size_t kMaxLevel = 64;
const char* const kAccepted = "a level is 1 to 64 characters of a-z, 0-9, '-' and '_'";

bool level_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'; }

std::string problem(const std::string& value) {
  if (value.empty()) return "is empty";
  // Wildcards and separators first: they change what a topic or an ACL pattern means.
  for (const char* bad : {"+", "#", "/"}) {
    if (value.find(bad) != std::string::npos) return std::string("contains '") + bad + "'";
  }
  if (value[0] == '$') return "starts with '$', which MQTT reserves for broker topics";
  if (value.size() > kMaxLevel) return "is " + std::to_string(value.size()) + " characters long";
  for (size_t i = 0; i < value.size(); ++i) {
    if (!level_char(value[i])) return std::string("contains '") + value[i] + "' at position " + std::to_string(i + 1);
  }
  return "";
}

bool thing_part(const std::string& s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= '0' && s[0] <= '9'))) return false;
  for (char c : s) {
    if (!level_char(c) && c != '.') return false;
  }
  return true;
}

}  // namespace

std::string check_level(const char* name, const std::string& value) {
  std::string p = problem(value);
  return p.empty() ? p : std::string(name) + " \"" + value + "\": " + p + "; " + kAccepted;
}

std::string DeviceIdentity::validate() const {
  std::string errors;
  auto add = [&errors](const std::string& e) {
    if (!e.empty()) errors += (errors.empty() ? "" : "\n") + e;
  };
  add(check_level("device_id", device_id));
  add(check_level("factory_id", factory_id));
  add(check_level("equipment_type", equipment_type));
  add(check_level("equipment_id", equipment_id));
  add(check_level("sensor_type", sensor_level));
  size_t colon = thing_id.find(':');
  if (thing_id.size() > 128 || colon == std::string::npos || !thing_part(thing_id.substr(0, colon)) ||
      !thing_part(thing_id.substr(colon + 1))) {
    add("thing_id \"" + thing_id + "\": is not namespace:name; each part starts with a-z or 0-9 and has a-z, 0-9, "
        "'.', '-' and '_', at most 128 characters in all, e.g. factory:oven-001");
  }
  return errors;
}

std::string DeviceIdentity::equipment_prefix() const {
  return std::string(kTopicRoot) + "/" + factory_id + "/" + equipment_type + "/" + equipment_id;
}

std::string DeviceIdentity::sensor_prefix() const { return equipment_prefix() + "/" + sensor_level; }

std::string parse_topic_prefix(const std::string& prefix, DeviceIdentity& identity) {
  std::string p = prefix;
  if (!p.empty() && p.back() == '/') p.pop_back();
  std::vector<std::string> levels;
  size_t start = 0;
  for (;;) {
    size_t slash = p.find('/', start);
    levels.push_back(p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  if (levels.size() != 5 || levels[0] != kTopicRoot) {
    return "topic prefix \"" + prefix + "\": expected openegiz/{factory_id}/{equipment_type}/{equipment_id}/"
           "{sensor_type}, e.g. openegiz/factory-a/oven/oven-001/electrical";
  }
  identity.factory_id = levels[1];
  identity.equipment_type = levels[2];
  identity.equipment_id = levels[3];
  identity.sensor_level = levels[4];
  return "";
}

}  // namespace flux::fw
