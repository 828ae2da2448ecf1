// The update itself, portable: verify the signed manifest, download the image with resume, check it while it is
// written to the inactive slot, and the boot trial that keeps a new image only once it has reconnected and
// published. The platform supplies the download (ImageSource: HTTPS with Range) and the slots (ImageSlots: two
// flash partitions on the board, two directories on Linux).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "flux/fw/ota.h"

namespace flux::fw {

/** Receives downloaded bytes; false stops the transfer. */
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  virtual bool chunk(const uint8_t* data, size_t length) = 0;
};

/** HTTPS GET of {@code url} from byte {@code offset} (a Range request when > 0). */
class ImageSource {
 public:
  virtual ~ImageSource() = default;
  /** True when the body ended normally; false with {@code error} (connection lost, HTTP error, sink stop). */
  virtual bool fetch(const std::string& url, uint64_t offset, ChunkSink& sink, std::string& error) = 0;
};

/** What is persisted across reboots about the slots: which runs, which is on trial. */
struct BootRecord {
  std::string running_version;  // of the confirmed image; empty: the factory image (the build's version)
  std::string trial_version;    // non-empty: the other slot holds this version, to try at the next boot
  int trial_boots = 0;          // boots of the trial image so far
  OtaReport last;               // the last step reported, so the status shows it after a reboot
};

/** The two image slots and the boot record (esp_ota_* on the board, a directory on Linux). */
class ImageSlots {
 public:
  virtual ~ImageSlots() = default;
  /**
   * Opens the inactive slot for an image described by {@code manifest_bytes}. When the slot already holds the
   * start of the same image (an interrupted download), keeps it and feeds it to {@code sink} (so the hash
   * covers it) and sets {@code resume_from}; otherwise empties it.
   */
  virtual bool begin(const std::string& manifest_bytes, ChunkSink& sink, uint64_t& resume_from, std::string& error) = 0;
  virtual bool write(const uint8_t* data, size_t length, std::string& error) = 0;
  /** Throws away what the inactive slot holds. */
  virtual void discard() = 0;
  /** The checked image is complete: make the inactive slot the one the next boot runs, on trial. */
  virtual bool commit(std::string& error) = 0;
  /** The image on trial is kept: the inactive slot becomes the active one. */
  virtual bool promote(std::string& error) = 0;
  virtual BootRecord load() = 0;
  virtual bool save(const BootRecord& record, std::string& error) = 0;
};

/** The OtaHandler of both platforms over their ImageSource and ImageSlots. */
class OtaUpdater : public OtaHandler {
 public:
  /** Attempts per download; each resumes where the last stopped. */
  static constexpr int kAttempts = 4;

  OtaUpdater(ManifestVerifier& verifier, ImageSource& source, ImageSlots& slots, std::string model,
             std::string factory_version, int64_t trial_ms);

  /**
   * At boot: decides which image runs. A trial image boots once; booted again unconfirmed (it crashed or was
   * cut off before it published), it is rolled back. Returns the version that runs.
   */
  std::string boot(int64_t now_ms);
  const std::string& model() const { return model_; }

  OtaOutcome handle(const OtaCommand& command, OtaProgress& progress) override;
  const OtaReport* last_report() const override { return report_.state.empty() ? nullptr : &report_; }
  void on_delivered(OtaProgress& progress) override;
  void poll(int64_t now_ms, OtaProgress& progress) override;
  bool reboot_requested() const override { return reboot_; }

 private:
  OtaOutcome refuse(OtaProgress& progress, const std::string& id, const std::string& version, OtaVerdict verdict,
                    const std::string& detail);
  OtaOutcome fail(OtaProgress& progress, const std::string& id, const std::string& version,
                  const std::string& detail);
  void step(OtaProgress& progress, const std::string& id, const std::string& state, const std::string& version,
            const std::string& detail);

  ManifestVerifier& verifier_;
  ImageSource& source_;
  ImageSlots& slots_;
  std::string model_;
  std::string factory_version_;
  std::string running_;
  int64_t trial_ms_;
  int64_t trial_deadline_ms_ = -1;  // >= 0 while an image is on trial
  BootRecord record_;
  OtaReport report_;
  bool reboot_ = false;
};

}  // namespace flux::fw
