// The platform interfaces of the core on Linux.
#pragma once

#include <functional>
#include <string>

#include "flux/fw/platform.h"

namespace flux::host {

/**
 * The system clock, taken as NTP-synchronised (as a Linux host is) once it reads 2024 or later; before that
 * utc_ms() is empty, exactly as an ESP32 before its first SNTP answer.
 */
class SystemClock : public fw::Clock {
 public:
  int64_t monotonic_ms() override;
  std::optional<int64_t> utc_ms() override;
};

/** Settings as one file per key in --state-dir, written atomically (write to a temporary, then rename). */
class FileStorage : public fw::Storage {
 public:
  explicit FileStorage(std::string dir) : dir_(std::move(dir)) {}
  std::optional<std::string> get(const std::string& key) override;
  bool put(const std::string& key, const std::string& value) override;

 private:
  std::string dir_;
};

/**
 * Health figures of a simulated ESP32, as flux fleet reports them: ~160 kB free heap minus ~350 bytes per
 * buffered reading, an RSSI around a per-device level, no WiFi layer (0 reconnects).
 */
class SimulatedSystem : public fw::SystemInfo {
 public:
  SimulatedSystem(fw::Random& rng, std::function<size_t()> buffered);
  uint32_t free_heap() override;
  int rssi() override;
  uint32_t wifi_reconnects() override { return 0; }

 private:
  fw::Random& rng_;
  std::function<size_t()> buffered_;
  int base_rssi_;
};

/** Lines on stderr: "2026-01-29T10:30:00.123Z flux-device esp32-oven001-elec: connected". */
class StderrLog : public fw::Log {
 public:
  explicit StderrLog(std::string device_id) : device_id_(std::move(device_id)) {}
  void info(const std::string& line) override;
  void warn(const std::string& line) override;

 private:
  void write(const char* level, const std::string& line);
  std::string device_id_;
};

}  // namespace flux::host
