#include <doctest/doctest.h>

#include "flux/fw/topics.h"

using namespace flux::fw;

TEST_CASE("a device's topics follow docs/topics.md") {
  DeviceIdentity id{"esp32-oven001-elec", "factory:oven-001", "factory-a", "oven", "oven-001", "electrical"};
  CHECK(id.validate().empty());
  CHECK(id.telemetry_topic() == "openegiz/factory-a/oven/oven-001/electrical/telemetry");
  CHECK(id.status_topic() == "openegiz/factory-a/oven/oven-001/electrical/status");
  CHECK(id.response_topic() == "openegiz/factory-a/oven/oven-001/electrical/response");
  CHECK(id.command_topic() == "openegiz/factory-a/oven/oven-001/command");
}

TEST_CASE("bad levels are refused with TopicLevels' messages") {
  CHECK(check_level("equipment_id", "oven/001") ==
        "equipment_id \"oven/001\": contains '/'; a level is 1 to 64 characters of a-z, 0-9, '-' and '_'");
  CHECK(check_level("factory_id", "Factory-A") ==
        "factory_id \"Factory-A\": contains 'F' at position 1; a level is 1 to 64 characters of a-z, 0-9, '-' and '_'");
  CHECK(check_level("sensor_type", "").find("is empty") != std::string::npos);
  CHECK(check_level("device_id", "#").find("contains '#'") != std::string::npos);
  CHECK(check_level("device_id", std::string(65, 'a')).find("is 65 characters long") != std::string::npos);
  DeviceIdentity id{"esp32", "oven-001", "f", "t", "e", "s+"};
  std::string errors = id.validate();
  CHECK(errors.find("sensor_type \"s+\": contains '+'") != std::string::npos);
  CHECK(errors.find("thing_id \"oven-001\": is not namespace:name") != std::string::npos);
}

TEST_CASE("a topic prefix gives the four levels") {
  DeviceIdentity id;
  CHECK(parse_topic_prefix("openegiz/factory-a/environment/zone-a/ambient/", id).empty());
  CHECK(id.factory_id == "factory-a");
  CHECK(id.equipment_type == "environment");
  CHECK(id.equipment_id == "zone-a");
  CHECK(id.sensor_level == "ambient");
  CHECK(parse_topic_prefix("openegiz/factory-a/oven/oven-001", id).find("expected openegiz/{factory_id}/") !=
        std::string::npos);
  CHECK_FALSE(parse_topic_prefix("other/factory-a/oven/oven-001/electrical", id).empty());
}
