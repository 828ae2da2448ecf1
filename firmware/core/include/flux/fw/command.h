// FR-1.8: the commands of command.schema.json, read and checked as the schema does.
#pragma once

#include <string>
#include <variant>

namespace flux::fw {

struct SetIntervalCommand {
  std::string request_id;
  int interval_seconds;  // 1..60 (FR-1.4)
};

struct OtaCommand {
  std::string request_id;
  std::string url;        // https://...
  std::string sha256;     // 64 lowercase hex digits
  std::string signature;  // base64
  std::string version;    // semantic version
  std::string manifest;   // base64 of the signed manifest's bytes (firmware/README.md, "OTA manifest")
  std::string device_id;  // empty: every device on the command topic; else only this one
};

using Command = std::variant<SetIntervalCommand, OtaCommand>;

/**
 * Reads a command. On failure returns false and sets {@code error} to every problem found, each naming the
 * field, what is wrong and what is accepted, e.g. {@code interval_seconds: 0 is not an integer from 1 to 60}.
 */
bool parse_command(const std::string& json, Command& out, std::string& error);

/** Whether {@code v} is a semantic version as the schemas accept it, e.g. 1.2.3 or 1.3.0-rc.1. */
bool is_semver(const std::string& v);

}  // namespace flux::fw
