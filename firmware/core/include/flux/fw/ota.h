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
  std::string result;  // "applied", "refused", "failed" or "not_supported" (command-ack.schema.json)
  std::string detail;
};

/** Compares semantic versions by SemVer 2.0 precedence (build metadata ignored): <0, 0 or >0. */
int compare_semver(const std::string& a, const std::string& b);

/** The verdict's name as reported on the status topic, e.g. "HashMismatch". */
const char* ota_verdict_name(OtaVerdict verdict);

/** One sentence naming a verdict, e.g. "the signature does not verify with the built-in key". */
const char* ota_verdict_text(OtaVerdict verdict);

/**
 * Reads a manifest: a JSON object with exactly model, version, size and sha256 (firmware/README.md, "OTA
 * manifest"). False with {@code error} naming the field on anything else.
 */
bool parse_manifest(const std::string& json, OtaManifest& out, std::string& error);

/** Decodes standard base64 (with padding). False on anything else. */
bool decode_base64(const std::string& text, std::string& out);

/**
 * The ManifestVerifier of the board and of Linux: ECDSA P-256 over SHA-256 with mbedTLS (the same md/pk
 * calls in mbedTLS 2.28, Debian's, and 3.x, ESP-IDF's), against a public key built into the firmware.
 */
class MbedtlsManifestVerifier : public ManifestVerifier {
 public:
  /** {@code public_key_pem}: an EC P-256 public key, PEM ("-----BEGIN PUBLIC KEY-----"). */
  explicit MbedtlsManifestVerifier(const std::string& public_key_pem);
  ~MbedtlsManifestVerifier() override;
  MbedtlsManifestVerifier(const MbedtlsManifestVerifier&) = delete;
  MbedtlsManifestVerifier& operator=(const MbedtlsManifestVerifier&) = delete;
  /** Empty when the key is usable, else why not: the device must then refuse every update. */
  const std::string& key_error() const { return key_error_; }
  OtaVerdict verify(const std::string& manifest_bytes, const std::string& signature_der, const std::string& model,
                    const std::string& running_version, OtaManifest& out, std::string& detail) override;

 private:
  void* pk_;  // mbedtls_pk_context, kept out of this header so the core's users need no mbedTLS headers
  std::string key_error_;
};

/**
 * Checks an image as it is written, chunk by chunk: refuses more bytes than the manifest states at once,
 * and at the end a short image (a truncated download) or a SHA-256 other than the manifest's.
 */
class ImageCheck {
 public:
  explicit ImageCheck(const OtaManifest& manifest);
  ~ImageCheck();
  ImageCheck(const ImageCheck&) = delete;
  ImageCheck& operator=(const ImageCheck&) = delete;
  /** False (SizeMismatch) as soon as the image is longer than the manifest says: stop writing. */
  bool update(const uint8_t* data, size_t length);
  /** Accepted only when size and SHA-256 both match; {@code detail} says what differed. */
  OtaVerdict finish(std::string& detail);

 private:
  OtaManifest manifest_;
  uint64_t received_ = 0;
  bool too_long_ = false;
  void* md_;  // mbedtls_md_context_t
};

/**
 * One step of an update as the device reports it in its status (status.schema.json, "ota"): state is one of
 * downloading, installed, booted, confirmed, refused, failed, rolled_back.
 */
struct OtaReport {
  std::string request_id;
  std::string state;
  std::string version;  // the version being installed (or rolled back from)
  std::string detail;   // one sentence; for refused, "Verdict: what was wrong"
};

/** Where a handler reports each step: the device publishes it at once in a retained status. */
class OtaProgress {
 public:
  virtual ~OtaProgress() = default;
  virtual void report(const OtaReport& step) = 0;
};

/** Carries out an `ota` command: download, verify, write, switch slot (esp_https_ota / a slot directory). */
class OtaHandler {
 public:
  virtual ~OtaHandler() = default;
  /** Installs the update or refuses it; reports each step through {@code progress}. */
  virtual OtaOutcome handle(const OtaCommand& command, OtaProgress& progress) = 0;
  /** The last step reported, carried in every status so a late subscriber sees it; none before any update. */
  virtual const OtaReport* last_report() const { return nullptr; }
  /** A telemetry reading was acknowledged: an image on trial has reconnected and published, so it is kept. */
  virtual void on_delivered(OtaProgress& progress) { (void)progress; }
  /** Called every loop: an image on trial that has not confirmed by its deadline is given up. */
  virtual void poll(int64_t now_ms, OtaProgress& progress) {
    (void)now_ms;
    (void)progress;
  }
  /** Whether the device should restart now (into a new image, or back to the old one). */
  virtual bool reboot_requested() const { return false; }
};

}  // namespace flux::fw
