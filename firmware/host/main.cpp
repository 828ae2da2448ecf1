// flux-device: the firmware's core as a Linux process, against any MQTT broker.
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "flux/fw/device.h"
#include "host_platform.h"
#include "mosquitto_transport.h"
#include "options.h"
#include "physics.h"

namespace {

volatile std::sig_atomic_t stop_requested = 0;

void request_stop(int) { stop_requested = 1; }

uint64_t device_seed(uint64_t seed, const std::string& device_id) {
  // The device id, not a position in a fleet, picks the stream, as in flux fleet.
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : device_id) h = (h ^ c) * 1099511628211ULL;
  return seed ^ (h * 0x9E3779B97F4A7C15ULL);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace flux;
  std::vector<std::string> args(argv + 1, argv + argc);
  host::HostOptions options;
  std::vector<std::string> errors = host::parse_options(args, options);
  if (options.help) {
    std::fputs(host::usage().c_str(), stdout);
    return 0;
  }
  struct stat st {};
  if (!options.state_dir.empty() &&
      (stat(options.state_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || access(options.state_dir.c_str(), W_OK) != 0)) {
    errors.push_back("--state-dir: \"" + options.state_dir + "\" is not a writable directory; create it first");
  }
  if (!errors.empty()) {
    for (const std::string& e : errors) std::fprintf(stderr, "flux-device: %s\n", e.c_str());
    std::fprintf(stderr, "flux-device: see --help\n");
    return 2;
  }

  const fw::DeviceIdentity& id = options.device.identity;
  fw::SplitMix64 root(device_seed(options.seed, id.device_id));
  fw::SplitMix64 physics_rng(root.next_u64());
  fw::SplitMix64 radio_rng(root.next_u64());
  fw::SplitMix64 jitter_rng(root.next_u64());
  std::unique_ptr<fw::Sensor> sensor = host::make_simulated_sensor(options.kind, id.equipment_type, physics_rng);
  host::SystemClock clock;
  host::StderrLog log(id.device_id);
  std::unique_ptr<host::FileStorage> storage;
  if (!options.state_dir.empty()) storage = std::make_unique<host::FileStorage>(options.state_dir);
  host::MosquittoTransport transport(host::BrokerSettings{options.host, options.effective_port(), options.cafile,
                                                          options.cert, options.key, options.username,
                                                          options.password, options.password_given});
  fw::Device* device_ptr = nullptr;
  host::SimulatedSystem system(radio_rng, [&device_ptr] { return device_ptr == nullptr ? 0 : device_ptr->buffered(); });
  fw::Device device(options.device, transport, *sensor, clock, jitter_rng, system, log, storage.get());
  device_ptr = &device;
  transport.bind(&device);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGPIPE, SIG_IGN);
  log.info(std::string("publishing ") + fw::sensor_kind_name(options.kind) + " telemetry on " + id.telemetry_topic() +
           " every " + std::to_string(options.device.interval_ms) + " ms to " + options.host + ":" +
           std::to_string(options.effective_port()) + (options.tls() ? " (TLS 1.3)" : ""));
  device.start();
  while (!stop_requested) {
    device.poll();
    transport.loop(20);
  }

  // A clean stop: a retained offline status (a DISCONNECT does not fire the Will), then DISCONNECT.
  int mid = device.stop();
  int64_t deadline = clock.monotonic_ms() + 2000;
  while (mid > 0 && !transport.completed(mid) && device.connected() && clock.monotonic_ms() < deadline) {
    transport.loop(20);
  }
  transport.disconnect();
  const fw::Counters& c = device.counters();
  log.info("stopped: " + std::to_string(c.sampled) + " readings, " + std::to_string(c.acked) + " acknowledged, " +
           std::to_string(device.buffered() + device.in_flight()) + " unacknowledged, " +
           std::to_string(device.dropped()) + " dropped, " +
           std::to_string(c.mqtt_reconnects) + " reconnects");
  return 0;
}
