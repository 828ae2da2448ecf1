#include <doctest/doctest.h>

#include "options.h"

using namespace flux;

TEST_CASE("defaults place an electrical device on oven-001 of factory-a") {
  host::HostOptions o;
  CHECK(host::parse_options({"--device-id", "esp32-oven001-elec"}, o).empty());
  CHECK(o.device.identity.telemetry_topic() == "openegiz/factory-a/oven/oven-001/electrical/telemetry");
  CHECK(o.device.identity.thing_id == "factory:oven-001");
  CHECK(o.device.interval_ms == 1000);
  CHECK(o.effective_port() == 1883);
}

TEST_CASE("a topic prefix, TLS and a rate") {
  host::HostOptions o;
  CHECK(host::parse_options({"--device-id=esp32-zonea-env", "--sensor", "environmental", "--topic-prefix",
                             "openegiz/factory-b/environment/zone-a/ambient", "--cafile", "ca.pem", "--rate", "10"},
                            o)
            .empty());
  CHECK(o.device.identity.status_topic() == "openegiz/factory-b/environment/zone-a/ambient/status");
  CHECK(o.device.identity.thing_id == "factory:zone-a");
  CHECK(o.effective_port() == 8883);
  CHECK(o.device.interval_ms == 100);
}

TEST_CASE("every bad option is reported at once, with what is accepted") {
  host::HostOptions o;
  auto errors = host::parse_options({"--interval", "0", "--sensor", "sound", "--cert", "c.pem", "--bogus", "1",
                                     "--buffer", "5000"},
                                    o);
  std::string all;
  for (const auto& e : errors) all += e + "\n";
  CHECK(all.find("--bogus: unknown option") != std::string::npos);
  CHECK(all.find("--interval: \"0\"; accepted: 1 to 60 seconds (FR-1.4)") != std::string::npos);
  CHECK(all.find("--sensor: \"sound\"; accepted: electrical, thermal, environmental") != std::string::npos);
  CHECK(all.find("--cert and --key: give both or neither") != std::string::npos);
  CHECK(all.find("--buffer: \"5000\"; accepted: 1 to 1000 readings (FR-1.7)") != std::string::npos);
  CHECK(all.find("--device-id: is required") != std::string::npos);
}

TEST_CASE("levels are checked as TopicLevels checks them") {
  host::HostOptions o;
  auto errors = host::parse_options({"--device-id", "ESP32", "--equipment-id", "oven/1"}, o);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].find("device_id \"ESP32\": contains 'E' at position 1") == 0);
  CHECK(errors[1].find("equipment_id \"oven/1\": contains '/'") == 0);
  CHECK(errors[2].find("thing_id \"factory:oven/1\": is not namespace:name") == 0);
}
