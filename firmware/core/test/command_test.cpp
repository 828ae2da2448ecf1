#include <doctest/doctest.h>

#include "flux/fw/command.h"

using namespace flux::fw;

TEST_CASE("set_interval is read") {
  Command c;
  std::string error;
  REQUIRE(parse_command(R"({"command":"set_interval","request_id":"req-42","interval_seconds":10})", c, error));
  auto& s = std::get<SetIntervalCommand>(c);
  CHECK(s.request_id == "req-42");
  CHECK(s.interval_seconds == 10);
}

TEST_CASE("ota is read") {
  Command c;
  std::string error;
  std::string sha(64, 'a');
  REQUIRE(parse_command(R"({"command":"ota","request_id":"r1","url":"https://fw.example/1.3.0.bin","sha256":")" + sha +
                            R"(","signature":"c2lnbmF0dXJl","version":"1.3.0","manifest":"bWFuaWZlc3Q=",)"
                            R"("device_id":"esp32-oven001-elec"})",
                        c, error));
  CHECK(std::get<OtaCommand>(c).version == "1.3.0");
  CHECK(std::get<OtaCommand>(c).manifest == "bWFuaWZlc3Q=");
  CHECK(std::get<OtaCommand>(c).device_id == "esp32-oven001-elec");
  CHECK_FALSE(parse_command(R"({"command":"ota","request_id":"r1","url":"https://fw.example/1.3.0.bin","sha256":")" +
                                sha + R"(","signature":"c2lnbmF0dXJl","version":"1.3.0"})",
                            c, error));
  CHECK(error == "manifest: is required");
}

TEST_CASE("invalid commands are refused as the schema refuses them, naming every field") {
  Command c;
  std::string error;
  CHECK_FALSE(parse_command(R"({"command":"set_interval","request_id":"req-42","interval_seconds":0})", c, error));
  CHECK(error == "interval_seconds: 0 is not an integer from 1 to 60");
  CHECK_FALSE(parse_command(R"({"command":"set_interval","request_id":"req 42","interval_seconds":1.5,"x":1})", c, error));
  CHECK(error.find("x: is not a field of this command") != std::string::npos);
  CHECK(error.find("request_id: \"req 42\" is not 1 to 64 characters") != std::string::npos);
  CHECK(error.find("interval_seconds: 1.5 is not an integer") != std::string::npos);
  CHECK_FALSE(parse_command(R"({"command":"set_interval","request_id":"r"})", c, error));
  CHECK(error == "interval_seconds: is required");
  CHECK_FALSE(parse_command(R"({"command":"reboot","request_id":"r"})", c, error));
  CHECK(error == "command: \"reboot\" is not known; accepted: \"set_interval\", \"ota\"");
  CHECK_FALSE(parse_command(R"({"command":"ota","request_id":"r","url":"http://x/y","sha256":"AB","signature":"!","version":"1.3"})",
                            c, error));
  CHECK(error.find("url: \"http://x/y\" is not an https:// URL") != std::string::npos);
  CHECK(error.find("sha256: \"AB\" is not 64 lowercase hex digits") != std::string::npos);
  CHECK(error.find("signature: \"!\" is not base64") != std::string::npos);
  CHECK(error.find("version: \"1.3\" is not a semantic version") != std::string::npos);
  CHECK_FALSE(parse_command("not json", c, error));
  CHECK(error.find("not a JSON object: at offset 0") == 0);
}

TEST_CASE("semantic versions as the schemas accept them") {
  CHECK(is_semver("1.2.3"));
  CHECK(is_semver("10.0.0-rc.1"));
  CHECK(is_semver("1.2.3+build.5"));
  CHECK_FALSE(is_semver("1.2"));
  CHECK_FALSE(is_semver("1.2.3-"));
  CHECK_FALSE(is_semver("v1.2.3"));
}
