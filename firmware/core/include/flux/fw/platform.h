// What the core needs from the board, injected so that it runs unchanged on an ESP32, on Linux
// (firmware/host) and against the fakes of the unit tests.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace flux::fw {

/** Time (FR-1.10): a monotonic millisecond counter, and UTC once it is known (SNTP on the board). */
class Clock {
 public:
  virtual ~Clock() = default;
  /** Milliseconds since an arbitrary start; never goes back. */
  virtual int64_t monotonic_ms() = 0;
  /** Milliseconds since 1970-01-01 UTC, or nothing until the first time synchronisation. */
  virtual std::optional<int64_t> utc_ms() = 0;
};

/** Uniform random bits; jitter and the simulated sensors draw from it. */
class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;
  /** Uniform in [0, 1). */
  double uniform();
  /** Standard normal (Box-Muller). */
  double gaussian();
  /** Uniform integer in [0, bound). */
  uint64_t below(uint64_t bound);
};

/** The small persistent store of settings (NVS on the board, a directory on Linux). */
class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::optional<std::string> get(const std::string& key) = 0;
  virtual bool put(const std::string& key, const std::string& value) = 0;
};

/** Health figures the status heartbeat reports (FR-1.9). */
class SystemInfo {
 public:
  virtual ~SystemInfo() = default;
  virtual uint32_t free_heap() = 0;
  /** WiFi signal strength in dBm, -127..0. */
  virtual int rssi() = 0;
  virtual uint32_t wifi_reconnects() = 0;
};

/** Where the core writes what an operator should see (serial console, stderr). */
class Log {
 public:
  virtual ~Log() = default;
  virtual void info(const std::string& line) = 0;
  virtual void warn(const std::string& line) = 0;
};

/** Xorshift-based generator (splitmix64 seeding): deterministic for a seed, small enough for the board. */
class SplitMix64 : public Random {
 public:
  explicit SplitMix64(uint64_t seed) : state_(seed) {}
  uint64_t next_u64() override;

 private:
  uint64_t state_;
};

/** "2026-01-29T10:30:00.123Z": UTC, ISO 8601 with exactly three fraction digits, as Payloads writes it. */
std::string format_utc_millis(int64_t epoch_ms);

}  // namespace flux::fw
