#include "flux/fw/ota_update.h"

#include <utility>

namespace flux::fw {

namespace {

/** Feeds downloaded bytes to the image check and, when it takes them, to the inactive slot. */
class SlotWriter : public ChunkSink {
 public:
  SlotWriter(ImageCheck& check, ImageSlots* slots) : check_(check), slots_(slots) {}
  bool chunk(const uint8_t* data, size_t length) override {
    if (!check_.update(data, length)) {
      too_long_ = true;  // more bytes than the manifest states: stop before writing them
      return false;
    }
    if (slots_ != nullptr && !slots_->write(data, length, error_)) return false;
    received_ += length;
    return true;
  }
  uint64_t received() const { return received_; }
  bool too_long() const { return too_long_; }
  const std::string& error() const { return error_; }

 private:
  ImageCheck& check_;
  ImageSlots* slots_;
  uint64_t received_ = 0;
  bool too_long_ = false;
  std::string error_;
};

}  // namespace

OtaUpdater::OtaUpdater(ManifestVerifier& verifier, ImageSource& source, ImageSlots& slots, std::string model,
                       std::string factory_version, int64_t trial_ms)
    : verifier_(verifier),
      source_(source),
      slots_(slots),
      model_(std::move(model)),
      factory_version_(std::move(factory_version)),
      running_(factory_version_),
      trial_ms_(trial_ms) {}

std::string OtaUpdater::boot(int64_t now_ms) {
  record_ = slots_.load();
  running_ = record_.running_version.empty() ? factory_version_ : record_.running_version;
  report_ = record_.last;
  std::string error;
  if (!record_.trial_version.empty()) {
    const std::string& id = record_.last.request_id;
    if (record_.trial_boots == 0) {
      record_.trial_boots = 1;
      running_ = record_.trial_version;
      trial_deadline_ms_ = now_ms + trial_ms_;
      record_.last = OtaReport{id, "booted", running_,
                               "trying " + running_ + "; kept once it has reconnected and published, else rolled back"};
    } else {
      // Booted before and never confirmed: it crashed, hung or lost power before it published.
      record_.last = OtaReport{id, "rolled_back", record_.trial_version,
                               record_.trial_version + " did not reconnect and publish after its boot; back to " +
                                   running_};
      record_.trial_version.clear();
      slots_.discard();
    }
    report_ = record_.last;
    slots_.save(record_, error);
  }
  return running_;
}

void OtaUpdater::step(OtaProgress& progress, const std::string& id, const std::string& state,
                      const std::string& version, const std::string& detail) {
  report_ = OtaReport{id, state, version, detail};
  record_.last = report_;
  std::string error;
  slots_.save(record_, error);
  progress.report(report_);
}

OtaOutcome OtaUpdater::refuse(OtaProgress& progress, const std::string& id, const std::string& version,
                              OtaVerdict verdict, const std::string& detail) {
  std::string text = std::string(ota_verdict_name(verdict)) + ": " + detail;
  step(progress, id, "refused", version, text);
  return OtaOutcome{"refused", text};
}

OtaOutcome OtaUpdater::fail(OtaProgress& progress, const std::string& id, const std::string& version,
                            const std::string& detail) {
  step(progress, id, "failed", version, detail);
  return OtaOutcome{"failed", detail};
}

OtaOutcome OtaUpdater::handle(const OtaCommand& command, OtaProgress& progress) {
  const std::string& id = command.request_id;
  if (trial_deadline_ms_ >= 0 || reboot_) {
    return OtaOutcome{"failed", "an update is still on trial or rebooting; send it again once it is confirmed"};
  }
  std::string manifest_bytes, signature, detail;
  if (!decode_base64(command.manifest, manifest_bytes)) {
    return refuse(progress, id, command.version, OtaVerdict::Malformed, "manifest: is not valid base64");
  }
  if (!decode_base64(command.signature, signature)) {
    return refuse(progress, id, command.version, OtaVerdict::BadSignature, "signature: is not valid base64");
  }
  OtaManifest m;
  OtaVerdict verdict = verifier_.verify(manifest_bytes, signature, model_, running_, m, detail);
  if (verdict != OtaVerdict::Accepted) return refuse(progress, id, command.version, verdict, detail);
  if (command.version != m.version || command.sha256 != m.sha256) {
    return refuse(progress, id, command.version, OtaVerdict::Malformed,
                  "the command's version and sha256 (" + command.version + ") differ from the signed manifest's (" +
                      m.version + ")");
  }
  ImageCheck check(m);
  SlotWriter resumed(check, nullptr);
  uint64_t offset = 0;
  if (!slots_.begin(manifest_bytes, resumed, offset, detail)) return fail(progress, id, m.version, detail);
  step(progress, id, "downloading", m.version,
       offset > 0 ? "resuming at byte " + std::to_string(offset) + " of " + std::to_string(m.size)
                  : std::to_string(m.size) + " bytes from " + command.url);
  SlotWriter writer(check, &slots_);
  // Every byte already in the slot (the power went between the last write and "installed"): nothing to fetch, a
  // Range from the end would be answered 416 at every attempt and the update could never be installed.
  bool complete = offset == m.size;
  std::string error;
  for (int attempt = 0; attempt < kAttempts && !complete && !writer.too_long(); ++attempt) {
    // Each attempt asks for the rest only (HTTP Range), so a dropped connection costs what was in flight.
    complete = source_.fetch(command.url, offset + writer.received(), writer, error);
    if (!writer.error().empty()) break;
  }
  if (!complete && !writer.too_long()) {
    // What was written stays in the slot: the same update sent again resumes from there.
    return fail(progress, id, m.version,
                "download failed at byte " + std::to_string(offset + writer.received()) + " of " +
                    std::to_string(m.size) + ": " + (writer.error().empty() ? error : writer.error()));
  }
  verdict = check.finish(detail);
  if (verdict != OtaVerdict::Accepted) {
    slots_.discard();
    return refuse(progress, id, m.version, verdict, detail);
  }
  if (!slots_.commit(detail)) {
    slots_.discard();
    return fail(progress, id, m.version, detail);
  }
  record_.trial_version = m.version;
  record_.trial_boots = 0;
  reboot_ = true;
  step(progress, id, "installed", m.version, m.version + " verified and written; rebooting to try it");
  return OtaOutcome{"applied", m.version + " installed; rebooting to try it, kept once it has published"};
}

void OtaUpdater::on_delivered(OtaProgress& progress) {
  if (trial_deadline_ms_ < 0) return;
  trial_deadline_ms_ = -1;
  std::string error;
  if (!slots_.promote(error)) {
    fail(progress, record_.last.request_id, running_, "could not keep " + running_ + ": " + error);
    return;
  }
  record_.running_version = running_;
  record_.trial_version.clear();
  step(progress, record_.last.request_id, "confirmed", running_,
       running_ + " reconnected and published after its boot; kept");
}

void OtaUpdater::poll(int64_t now_ms, OtaProgress& progress) {
  if (trial_deadline_ms_ < 0 || now_ms < trial_deadline_ms_) return;
  trial_deadline_ms_ = -1;
  std::string version = record_.trial_version;
  record_.trial_version.clear();
  slots_.discard();
  reboot_ = true;
  std::string back = record_.running_version.empty() ? factory_version_ : record_.running_version;
  step(progress, record_.last.request_id, "rolled_back", version,
       version + " did not publish within " + std::to_string(trial_ms_ / 1000) + " s of its boot; back to " + back);
}

}  // namespace flux::fw
