// OTA (FR-1.8, SEC-8): the seam where signed-update verification plugs into the device.
//
// The command handler hands an `ota` command to an OtaHandler; without one the device answers
// `not_supported` (as `flux fleet` does). The verification a handler performs is split so each step is
// testable on the host: the manifest is checked (ManifestVerifier: signature over the manifest bytes with
// the built-in public key, model, anti-rollback version), then the image is streamed into an ImageSink
// while its SHA-256 and size are compared with the manifest's, and only then is it marked bootable.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "flux/fw/command.h"

namespace flux::fw {

/** What the signed manifest states about an image (format: firmware/README.md, "OTA manifest"). */
struct OtaManifest {
  std::string model;    // e.g. esp32-electrical: a board refuses another model's image
  std::string version;  // semantic version; must be newer than the running one (anti-rollback)
  uint64_t size = 0;    // bytes
  std::string sha256;   // 64 lowercase hex digits of the image
};

/** Why an update was refused, each reported on the device's status and response topics. */
enum class OtaVerdict { Accepted, Malformed, BadSignature, WrongModel, NotNewer, SizeMismatch, HashMismatch };

/** Checks a manifest's signature and content before a single byte of the image is written. */
class ManifestVerifier {
 public:
  virtual ~ManifestVerifier() = default;
  /**
   * Verifies {@code signature} (DER ECDSA P-256 over SHA-256 of {@code manifest_bytes}) with the built-in key,
   * then parses the manifest and checks the model and that the version is newer than {@code running_version}.
   * Sets {@code detail} to one sentence saying what was wrong.
   */
  virtual OtaVerdict verify(const std::string& manifest_bytes, const std::string& signature_der,
                            const std::string& model, const std::string& running_version, OtaManifest& out,
                            std::string& detail) = 0;
};

/** The answer a handler gives to an `ota` command: the command-ack `result` and its one-line `detail`. */
struct OtaOutcome {
  std::string result;  // "applied" or "not_supported" (command-ack.schema.json)
  std::string detail;
};

/** Carries out an `ota` command: download, verify, write, switch slot (esp_https_ota / a slot directory). */
class OtaHandler {
 public:
  virtual ~OtaHandler() = default;
  virtual OtaOutcome handle(const OtaCommand& command) = 0;
};

}  // namespace flux::fw
