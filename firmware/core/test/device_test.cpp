#include <doctest/doctest.h>

#include <memory>

#include "fakes.h"
#include "flux/fw/device.h"

using namespace flux::fw;
using namespace fakes;

namespace {

struct Rig {
  FakeClock clock;
  FakeTransport transport;
  CountingSensor sensor;
  LowRandom random;
  FakeSystem system;
  MemoryLog log;
  MemoryStorage storage;
  DeviceSettings settings;
  std::unique_ptr<Device> device;

  explicit Rig(uint32_t interval_ms = 1000, size_t buffer = 1000) {
    settings.identity = zone_a();
    settings.firmware_version = "1.2.3";
    settings.interval_ms = interval_ms;
    settings.buffer_capacity = buffer;
    device = std::make_unique<Device>(settings, transport, sensor, clock, random, system, log, &storage);
  }
  void start() {
    device->start();
    device->poll();
  }
  /** Advances time in 10 ms steps, polling as the main loop does. */
  void run(int64_t ms) {
    for (int64_t t = 0; t < ms; t += 10) {
      clock.mono += 10;
      device->poll();
    }
  }
  void ack_all() {
    for (const auto& p : transport.published) device->on_published(p.mid);
  }
  std::vector<int> delivered_temperatures() const {
    std::vector<int> out;
    for (const auto& p : transport.on("/telemetry")) out.push_back(temperature_of(p.payload));
    return out;
  }
};

}  // namespace

TEST_CASE("a device connects with a retained QoS 2 offline Will and a keep-alive the broker times out within 30 s") {
  Rig rig;
  rig.start();
  REQUIRE(rig.transport.connects.size() == 1);
  const ConnectRequest& c = rig.transport.connects[0];
  CHECK(c.client_id == "esp32-zonea-env");
  CHECK(c.will_topic == "openegiz/factory-a/environment/zone-a/ambient/status");
  CHECK(c.will_payload == R"({"device_id":"esp32-zonea-env","status":"offline","timestamp":"2026-01-29T10:30:00.000Z"})");
  CHECK(c.will_qos == 2);
  CHECK(c.will_retain);
  CHECK(c.clean_session);
  CHECK(c.keep_alive_s * 3 / 2 <= 30);  // FR-1.6: the broker gives up after 1.5 keep-alive periods
}

TEST_CASE("on connect: command subscription, retained QoS 2 online status, then telemetry at QoS 1 (FR-1.4, 1.5)") {
  Rig rig;
  rig.start();
  rig.device->on_connected();
  CHECK(rig.transport.subscriptions == std::vector<std::string>{"openegiz/factory-a/environment/zone-a/command"});
  auto status = rig.transport.on("/status");
  REQUIRE(status.size() == 1);
  CHECK(status[0].qos == 2);
  CHECK(status[0].retain);
  CHECK(status[0].payload.find(R"("status":"online")") != std::string::npos);
  CHECK(status[0].payload.find(R"("wifi_reconnects":2,"mqtt_reconnects":0)") != std::string::npos);
  rig.run(3000);
  auto telemetry = rig.transport.on("/telemetry");
  CHECK(telemetry.size() == 4);  // the first at boot, then one a second
  for (const auto& t : telemetry) {
    CHECK(t.qos == 1);
    CHECK_FALSE(t.retain);
  }
  CHECK(rig.delivered_temperatures() == std::vector<int>{10, 11, 12, 13});
}

TEST_CASE("readings taken offline are delivered oldest first on reconnect, before new ones (FR-1.7)") {
  Rig rig;
  rig.start();
  rig.device->on_disconnected("refused");  // the first attempt fails
  rig.run(490);
  CHECK(rig.transport.connects.size() == 1);  // backoff: not before half a second
  rig.run(4500);
  CHECK(rig.device->buffered() >= 5);
  rig.device->on_connected();
  // At most the in-flight window goes out before acknowledgements come back.
  CHECK(rig.device->in_flight() <= 10);
  for (int i = 0; i < 5; ++i) {
    rig.ack_all();
    rig.run(10);
  }
  std::vector<int> got = rig.delivered_temperatures();
  for (size_t i = 1; i < got.size(); ++i) CHECK(got[i] == got[i - 1] + 1);
  CHECK(got.front() == 10);
  CHECK(rig.device->dropped() == 0);
  CHECK(rig.device->buffered() == 0);
}

TEST_CASE("a full buffer drops the oldest readings and counts them") {
  Rig rig(1000, 5);
  rig.clock.utc.reset();  // no time yet: no connection, everything is buffered
  rig.start();
  rig.run(7990);          // 8 readings at 0..7 s
  CHECK(rig.device->buffered() == 5);
  CHECK(rig.device->dropped() == 3);
  rig.clock.utc = 1769682600000LL;
  rig.device->poll();
  rig.device->on_connected();
  CHECK(rig.delivered_temperatures() == std::vector<int>{13, 14, 15, 16, 17});
}

TEST_CASE("what was in flight when the connection broke is sent again, in order") {
  Rig rig;
  rig.start();
  rig.device->on_connected();
  rig.run(2990);  // readings 10, 11, 12 published, none acknowledged
  rig.device->on_published(rig.transport.on("/telemetry")[0].mid);  // 10 acknowledged
  rig.device->on_disconnected("connection lost");
  CHECK(rig.device->counters().requeued == 2);
  rig.run(3000);  // 13, 14, 15 buffered; reconnect after backoff
  REQUIRE(rig.transport.connects.size() == 2);
  rig.transport.published.clear();
  rig.device->on_connected();
  CHECK(rig.delivered_temperatures() == std::vector<int>{11, 12, 13, 14, 15});
  CHECK(rig.device->counters().mqtt_reconnects == 1);
  CHECK(rig.transport.on("/status")[0].payload.find(R"("mqtt_reconnects":1)") != std::string::npos);
}

TEST_CASE("reconnect delays grow exponentially to the cap and start again after a success") {
  Rig rig;
  rig.settings.backoff_cap_ms = 8000;
  rig.device = std::make_unique<Device>(rig.settings, rig.transport, rig.sensor, rig.clock, rig.random, rig.system,
                                        rig.log, &rig.storage);
  rig.start();
  std::vector<int64_t> attempts{rig.clock.mono};
  for (int i = 0; i < 6; ++i) {
    rig.device->on_disconnected("refused");
    size_t before = rig.transport.connects.size();
    while (rig.transport.connects.size() == before) rig.run(10);
    attempts.push_back(rig.clock.mono);
  }
  // LowRandom: each delay is half its step: 0.5, 1, 2, 4, 4, 4 s.
  std::vector<int64_t> gaps;
  for (size_t i = 1; i < attempts.size(); ++i) gaps.push_back(attempts[i] - attempts[i - 1]);
  CHECK(gaps == std::vector<int64_t>{500, 1000, 2000, 4000, 4000, 4000});
  rig.device->on_connected();
  rig.device->on_disconnected("lost");
  size_t before = rig.transport.connects.size();
  rig.run(500);
  CHECK(rig.transport.connects.size() == before + 1);
}

TEST_CASE("an attempt without CONNACK is abandoned after the connect timeout") {
  Rig rig;
  rig.start();
  rig.run(rig.settings.connect_timeout_ms);
  CHECK(rig.transport.disconnects == 1);
  CHECK(rig.device->counters().connect_failures == 1);
}

TEST_CASE("before the first time sync: readings are buffered unstamped, no connection, then stamped by age (FR-1.10)") {
  Rig rig;
  rig.clock.utc.reset();
  rig.start();
  rig.run(2990);
  CHECK(rig.transport.connects.empty());
  CHECK(rig.device->unstamped() == 3);
  rig.clock.utc = 1769682600000LL;  // SNTP answers: UTC at mono 1000 is 10:30:00.000
  rig.device->poll();
  REQUIRE(rig.transport.connects.size() == 1);
  rig.device->on_connected();
  auto t = rig.transport.on("/telemetry");
  REQUIRE(t.size() == 3);
  // Taken at mono 1000, 2000, 3000: the times they were taken, never 1970.
  CHECK(t[0].payload.find(R"("timestamp":"2026-01-29T10:30:00.000Z")") != std::string::npos);
  CHECK(t[1].payload.find(R"("timestamp":"2026-01-29T10:30:01.000Z")") != std::string::npos);
  CHECK(t[2].payload.find(R"("timestamp":"2026-01-29T10:30:02.000Z")") != std::string::npos);
  CHECK(rig.device->unstamped() == 0);
}

TEST_CASE("the online status is repeated every heartbeat while connected (FR-1.9)") {
  Rig rig;
  rig.settings.heartbeat_ms = 60000;
  rig.start();
  rig.device->on_connected();
  rig.run(60000);
  CHECK(rig.transport.on("/status").size() == 2);
  rig.run(60000);
  CHECK(rig.transport.on("/status").size() == 3);
  CHECK(rig.transport.on("/status")[2].payload.find(R"("uptime_seconds":120)") != std::string::npos);
}

TEST_CASE("set_interval changes the interval, is answered on the response topic and survives a restart (FR-1.8)") {
  Rig rig;
  rig.start();
  rig.device->on_connected();
  rig.device->on_message("openegiz/factory-a/environment/zone-a/command",
                         R"({"command":"set_interval","request_id":"req-42","interval_seconds":5})");
  CHECK(rig.device->interval_ms() == 5000);
  auto answers = rig.transport.on("/response");
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].topic == "openegiz/factory-a/environment/zone-a/ambient/response");
  CHECK(answers[0].qos == 1);
  CHECK_FALSE(answers[0].retain);
  CHECK(answers[0].payload ==
        R"({"device_id":"esp32-zonea-env","request_id":"req-42","command":"set_interval","result":"applied",)"
        R"("detail":"telemetry interval is now 5 s","timestamp":"2026-01-29T10:30:00.000Z"})");
  size_t before = rig.transport.on("/telemetry").size();
  rig.run(4990);
  CHECK(rig.transport.on("/telemetry").size() == before);
  rig.run(10);
  CHECK(rig.transport.on("/telemetry").size() == before + 1);

  Device rebooted(rig.settings, rig.transport, rig.sensor, rig.clock, rig.random, rig.system, rig.log, &rig.storage);
  rebooted.start();
  CHECK(rebooted.interval_ms() == 5000);
}

TEST_CASE("an invalid command is counted and not answered, ota is answered not_supported") {
  Rig rig;
  rig.start();
  rig.device->on_connected();
  const std::string topic = "openegiz/factory-a/environment/zone-a/command";
  rig.device->on_message(topic, R"({"command":"set_interval","request_id":"r","interval_seconds":61})");
  CHECK(rig.device->counters().commands_rejected == 1);
  CHECK(rig.transport.on("/response").empty());
  CHECK(rig.log.lines.back().find("interval_seconds: 61 is not an integer from 1 to 60") != std::string::npos);
  rig.device->on_message(topic, R"({"command":"ota","request_id":"req-43","url":"https://fw.example/1.3.0.bin",)"
                                R"("sha256":")" + std::string(64, 'a') + R"(","signature":"c2ln","version":"1.3.0","manifest":"bWFu"})");
  auto answers = rig.transport.on("/response");
  REQUIRE(answers.size() == 1);
  CHECK(answers[0].payload.find(R"("command":"ota","result":"not_supported")") != std::string::npos);
  rig.device->on_message("openegiz/factory-a/environment/zone-b/command", "{}");  // not its topic
  CHECK(rig.device->counters().commands_rejected == 1);
}

TEST_CASE("a clean stop publishes a retained offline status and samples no more") {
  Rig rig;
  rig.start();
  rig.device->on_connected();
  int mid = rig.device->stop();
  CHECK(mid > 0);
  auto status = rig.transport.on("/status");
  CHECK(status.back().payload.find(R"("status":"offline")") != std::string::npos);
  CHECK(status.back().retain);
  size_t before = rig.transport.on("/telemetry").size();
  rig.run(5000);
  CHECK(rig.transport.on("/telemetry").size() == before);
}

TEST_CASE("settings are validated with every problem named") {
  DeviceSettings s;
  s.identity = zone_a();
  CHECK(s.validate().empty());
  s.interval_ms = 61000;
  s.keep_alive_s = 60;
  s.buffer_capacity = 1001;
  std::string e = s.validate();
  CHECK(e.find("interval: 61000 ms; accepted 1 to 60 s") != std::string::npos);
  CHECK(e.find("keep_alive: 60 s; accepted 1 to 20 s") != std::string::npos);
  CHECK(e.find("buffer: 1001 messages; accepted 1 to 1000 (FR-1.7)") != std::string::npos);
}

namespace {

/** An OtaHandler that reports one step and answers, to see what the device does with them. */
struct ScriptedOta : OtaHandler {
  int handled = 0;
  int delivered = 0;
  OtaReport last;
  OtaOutcome handle(const OtaCommand& command, OtaProgress& progress) override {
    ++handled;
    last = OtaReport{command.request_id, "downloading", command.version, "100 bytes"};
    progress.report(last);
    return OtaOutcome{"applied", "done"};
  }
  const OtaReport* last_report() const override { return last.state.empty() ? nullptr : &last; }
  void on_delivered(OtaProgress&) override { ++delivered; }
};

}  // namespace

TEST_CASE("an ota command for another device is ignored, each OTA step goes out in the retained status") {
  Rig rig;
  ScriptedOta ota;
  rig.device = std::make_unique<Device>(rig.settings, rig.transport, rig.sensor, rig.clock, rig.random, rig.system,
                                        rig.log, &rig.storage, &ota);
  rig.start();
  rig.device->on_connected();
  const std::string topic = "openegiz/factory-a/environment/zone-a/command";
  const std::string ota_json = R"({"command":"ota","request_id":"r-9","url":"https://fw.example/1.3.0.bin",)"
                               R"("sha256":")" + std::string(64, 'a') +
                               R"(","signature":"c2ln","version":"1.3.0","manifest":"bWFu","device_id":")";
  size_t statuses = rig.transport.on("/status").size();
  rig.device->on_message(topic, ota_json + R"(esp32-other"})");
  CHECK(ota.handled == 0);
  CHECK(rig.transport.on("/response").empty());

  rig.device->on_message(topic, ota_json + rig.settings.identity.device_id + R"("})");
  CHECK(ota.handled == 1);
  auto status = rig.transport.on("/status");
  REQUIRE(status.size() == statuses + 1);
  CHECK(status.back().retain);
  CHECK(status.back().qos == 2);
  CHECK(status.back().payload.find(
            R"(,"ota":{"request_id":"r-9","state":"downloading","version":"1.3.0","detail":"100 bytes"}})") !=
        std::string::npos);
  CHECK(rig.transport.on("/response").back().payload.find(R"("result":"applied","detail":"done")") !=
        std::string::npos);
  rig.ack_all();
  CHECK(ota.delivered > 0);
}
