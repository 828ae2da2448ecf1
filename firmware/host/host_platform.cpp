#include "host_platform.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace flux::host {

namespace {
// 2024-01-01T00:00:00Z: a clock before this has not been set.
constexpr int64_t kPlausibleUtcMs = 1704067200000LL;
}  // namespace

int64_t SystemClock::monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::optional<int64_t> SystemClock::utc_ms() {
  using namespace std::chrono;
  int64_t ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  if (ms < kPlausibleUtcMs) return std::nullopt;
  return ms;
}

std::optional<std::string> FileStorage::get(const std::string& key) {
  std::ifstream in(dir_ + "/" + key);
  if (!in) return std::nullopt;
  std::stringstream s;
  s << in.rdbuf();
  std::string v = s.str();
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
  return v;
}

bool FileStorage::put(const std::string& key, const std::string& value) {
  std::string tmp = dir_ + "/." + key + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!(out << value << '\n')) return false;
  }
  return std::rename(tmp.c_str(), (dir_ + "/" + key).c_str()) == 0;
}

SimulatedSystem::SimulatedSystem(fw::Random& rng, std::function<size_t()> buffered)
    : rng_(rng), buffered_(std::move(buffered)), base_rssi_(-50 - static_cast<int>(rng.below(30))) {}

uint32_t SimulatedSystem::free_heap() {
  // The ESP32's heap shrinks with what the offline buffer holds (~350 bytes a reading).
  int64_t heap = 160000 - 350LL * static_cast<int64_t>(buffered_()) - static_cast<int64_t>(rng_.below(2000));
  return heap < 0 ? 0 : static_cast<uint32_t>(heap);
}

int SimulatedSystem::rssi() {
  int v = base_rssi_ + static_cast<int>(std::lround(2 * rng_.gaussian()));
  return v < -127 ? -127 : (v > 0 ? 0 : v);
}

void StderrLog::info(const std::string& line) { write("", line); }

void StderrLog::warn(const std::string& line) { write("warning: ", line); }

void StderrLog::write(const char* level, const std::string& line) {
  using namespace std::chrono;
  int64_t ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  std::fprintf(stderr, "%s flux-device %s: %s%s\n", fw::format_utc_millis(ms).c_str(), device_id_.c_str(), level,
               line.c_str());
  std::fflush(stderr);
}

}  // namespace flux::host
