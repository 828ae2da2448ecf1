// flux-device: the firmware's core as a Linux process, against any MQTT broker.
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "flux/fw/device.h"
#include "host_platform.h"
#include "mosquitto_transport.h"
#include "options.h"
#include "ota_host.h"
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
  std::string ota_key_pem;
  if (!options.ota_key.empty()) {
    if (!host::read_file(options.ota_key, ota_key_pem)) {
      errors.push_back("--ota-key: \"" + options.ota_key + "\" cannot be read; accepted: the PEM public key of flux ota keygen");
    } else if (std::string e = fw::MbedtlsManifestVerifier(ota_key_pem).key_error(); !e.empty()) {
      errors.push_back("--ota-key: \"" + options.ota_key + "\": " + e + "; accepted: the PEM public key of flux ota keygen");
    }
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
  // OTA: the image slots in --state-dir/ota; the version that runs is the boot record's, not the build's.
  std::unique_ptr<fw::MbedtlsManifestVerifier> verifier;
  std::unique_ptr<host::CurlImageSource> source;
  std::unique_ptr<host::DirectorySlots> slots;
  std::unique_ptr<fw::OtaUpdater> ota;
  if (!ota_key_pem.empty()) {
    std::string slot_dir = options.state_dir + "/ota";
    mkdir(slot_dir.c_str(), 0700);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    verifier = std::make_unique<fw::MbedtlsManifestVerifier>(ota_key_pem);
    source = std::make_unique<host::CurlImageSource>(options.ota_cafile.empty() ? options.cafile : options.ota_cafile);
    slots = std::make_unique<host::DirectorySlots>(slot_dir);
    ota = std::make_unique<fw::OtaUpdater>(*verifier, *source, *slots, options.model, options.device.firmware_version,
                                           options.ota_trial_ms);
    options.device.firmware_version = ota->boot(clock.monotonic_ms());
    log.info("firmware " + options.device.firmware_version + " (model " + options.model + "); signed OTA updates accepted");
  }
  fw::Device* device_ptr = nullptr;
  host::SimulatedSystem system(radio_rng, [&device_ptr] { return device_ptr == nullptr ? 0 : device_ptr->buffered(); });
  fw::Device device(options.device, transport, *sensor, clock, jitter_rng, system, log, storage.get(), ota.get());
  device_ptr = &device;
  transport.bind(&device);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGPIPE, SIG_IGN);
  log.info(std::string("publishing ") + fw::sensor_kind_name(options.kind) + " telemetry on " + id.telemetry_topic() +
           " every " + std::to_string(options.device.interval_ms) + " ms to " + options.host + ":" +
           std::to_string(options.effective_port()) + (options.tls() ? " (TLS 1.3)" : ""));
  device.start();
  while (!stop_requested && !device.reboot_requested()) {
    device.poll();
    transport.loop(20);
  }
  if (device.reboot_requested()) {
    // The host's reboot: let the last status go out, close the connection and run this program again, which
    // boots the image the boot record names (a board calls esp_restart()).
    int64_t until = clock.monotonic_ms() + 1000;
    while (clock.monotonic_ms() < until) transport.loop(20);
    transport.disconnect();
    log.info("rebooting");
    execv("/proc/self/exe", argv);
    log.warn(std::string("could not restart: ") + std::strerror(errno));
    return 1;
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
