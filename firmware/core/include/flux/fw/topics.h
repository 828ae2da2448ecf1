// The OpenEgiz topic hierarchy of docs/topics.md, as flux-telemetry's TopicPath builds it.
#pragma once

#include <string>

namespace flux::fw {

/** The first level of every OpenEgiz topic. */
inline constexpr const char* kTopicRoot = "openegiz";

/**
 * Empty when {@code value} may stand as the level {@code name} (1 to 64 of a-z, 0-9, '-', '_'), else the
 * error TopicLevels.require gives, e.g. {@code equipment_id "oven/001": contains '/'; a level is ...}.
 */
std::string check_level(const char* name, const std::string& value);

/** One device and its place in the hierarchy: configuration, not derived from the device_id. */
struct DeviceIdentity {
  std::string device_id;       // e.g. esp32-oven001-elec: MQTT client id, username, certificate CN
  std::string thing_id;        // e.g. factory:oven-001
  std::string factory_id;      // factory-a
  std::string equipment_type;  // oven
  std::string equipment_id;    // oven-001
  std::string sensor_level;    // electrical, thermal, ambient, ...

  /** Every problem with the levels, device_id and thing_id, one per line; empty when valid. */
  std::string validate() const;
  std::string telemetry_topic() const { return sensor_prefix() + "/telemetry"; }
  std::string status_topic() const { return sensor_prefix() + "/status"; }
  /** Where the device answers commands (docs/fleet.md, "Commands"). */
  std::string response_topic() const { return sensor_prefix() + "/response"; }
  /** Shared by every device of the equipment. */
  std::string command_topic() const { return equipment_prefix() + "/command"; }

 private:
  std::string equipment_prefix() const;
  std::string sensor_prefix() const;
};

/**
 * Fills the four levels from {@code openegiz/{factory}/{type}/{equipment}/{sensor}} (a trailing '/' is
 * allowed). Returns an error that shows the expected form, or empty.
 */
std::string parse_topic_prefix(const std::string& prefix, DeviceIdentity& identity);

}  // namespace flux::fw
