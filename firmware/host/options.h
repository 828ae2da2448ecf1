// The command line of flux-device.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flux/fw/device.h"

namespace flux::host {

struct HostOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: 1883, or 8883 with TLS
  std::string cafile, cert, key, username, password;
  bool password_given = false;
  std::string state_dir;
  std::string ota_key;     // PEM EC P-256 public key: OTA enabled (needs state_dir for the slots)
  std::string ota_cafile;  // CA of the image server; default: cafile
  std::string model;       // the board model an image must be for; default esp32-{sensor kind}
  uint32_t ota_trial_ms = 120000;
  uint64_t seed = 1;
  fw::SensorKind kind = fw::SensorKind::Electrical;
  fw::DeviceSettings device;
  bool help = false;

  bool tls() const { return !cafile.empty(); }
  int effective_port() const { return port != 0 ? port : (tls() ? 8883 : 1883); }
};

/** The --help text. */
std::string usage();

/**
 * Reads argv (without argv[0]). Returns every problem, each "--option: what is wrong; accepted: ...";
 * empty when the options are usable.
 */
std::vector<std::string> parse_options(const std::vector<std::string>& args, HostOptions& out);

}  // namespace flux::host
