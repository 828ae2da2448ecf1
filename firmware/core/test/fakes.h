// Fakes of the platform interfaces: the core's unit tests drive time, the broker and the sensor by hand.
#pragma once

#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "flux/fw/device.h"

namespace fakes {

using namespace flux::fw;

struct FakeClock : Clock {
  int64_t mono = 1000;
  std::optional<int64_t> utc = 1769682600000LL;  // 2026-01-29T10:30:00.000Z at mono 1000
  int64_t monotonic_ms() override { return mono; }
  std::optional<int64_t> utc_ms() override {
    if (!utc) return std::nullopt;
    return *utc + (mono - 1000);
  }
};

struct Published {
  std::string topic, payload;
  int qos;
  bool retain;
  int mid;
};

struct FakeTransport : Transport {
  std::vector<ConnectRequest> connects;
  std::vector<Published> published;
  std::vector<std::string> subscriptions;
  int disconnects = 0;
  int next_mid = 1;
  bool accept_publish = true;
  bool connect(const ConnectRequest& r) override {
    connects.push_back(r);
    return true;
  }
  int publish(const std::string& topic, const std::string& payload, int qos, bool retain) override {
    if (!accept_publish) return -1;
    published.push_back({topic, payload, qos, retain, next_mid});
    return next_mid++;
  }
  bool subscribe(const std::string& filter, int) override {
    subscriptions.push_back(filter);
    return true;
  }
  void disconnect() override { ++disconnects; }

  std::vector<Published> on(const std::string& suffix) const {
    std::vector<Published> out;
    for (const auto& p : published) {
      if (p.topic.size() >= suffix.size() && p.topic.compare(p.topic.size() - suffix.size(), suffix.size(), suffix) == 0) {
        out.push_back(p);
      }
    }
    return out;
  }
};

/** Environmental readings whose temperature counts 10.0, 11.0, ...: the order can be read from the payload. */
struct CountingSensor : Sensor {
  int next = 10;
  SensorKind kind() const override { return SensorKind::Environmental; }
  bool read(double, Measurements& out, std::string&) override {
    out = EnvironmentalReading{static_cast<double>(next++), 50.0, 1013.25, 450.0};
    return true;
  }
};

struct FakeSystem : SystemInfo {
  uint32_t free_heap() override { return 45000; }
  int rssi() override { return -65; }
  uint32_t wifi_reconnects() override { return 2; }
};

struct MemoryLog : Log {
  std::vector<std::string> lines;
  void info(const std::string& l) override { lines.push_back(l); }
  void warn(const std::string& l) override { lines.push_back("warning: " + l); }
};

struct MemoryStorage : Storage {
  std::map<std::string, std::string> values;
  std::optional<std::string> get(const std::string& k) override {
    auto it = values.find(k);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  bool put(const std::string& k, const std::string& v) override {
    values[k] = v;
    return true;
  }
};

/** Zero jitter: Random::below always gives 0, so a delay is exactly half its step. */
struct LowRandom : Random {
  uint64_t next_u64() override { return 0; }
};

inline DeviceIdentity zone_a() {
  return DeviceIdentity{"esp32-zonea-env", "factory:zone-a", "factory-a", "environment", "zone-a", "ambient"};
}

/** The temperature value of an environmental telemetry payload, e.g. 12 for "...":{"value":12.0,"unit":"C"}. */
inline int temperature_of(const std::string& json) {
  const std::string key = "\"ambient_temperature\":{\"value\":";
  size_t at = json.find(key);
  return at == std::string::npos ? -1 : std::atoi(json.c_str() + at + key.size());
}

}  // namespace fakes
