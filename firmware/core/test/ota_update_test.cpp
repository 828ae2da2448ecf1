// OtaUpdater: the update as the device carries it out, over an in-memory download and slots; the manifest and
// its signature are real (OpenSSL-made keys, mbedTLS verification).
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "flux/fw/ota_update.h"
#include "ota_keys.h"

using namespace flux::fw;
using namespace ota_test;

namespace {

/** Serves an image; {@code cut_at} ends the first {@code failures} transfers there, as a dropped connection. */
struct FakeSource : ImageSource {
  std::string image;
  uint64_t cut_at = UINT64_MAX;
  int failures = 0;
  std::vector<uint64_t> offsets;
  bool fetch(const std::string&, uint64_t offset, ChunkSink& sink, std::string& error) override {
    offsets.push_back(offset);
    if (offset >= image.size()) {  // as flux ota serve (and any HTTP server) answers a Range beyond the end
      error = "the server answered HTTP 416";
      return false;
    }
    uint64_t end = image.size();
    bool cut = failures > 0 && cut_at < end;
    if (cut) {
      end = cut_at;
      --failures;
    }
    for (uint64_t at = offset; at < end; at += 1000) {
      uint64_t n = std::min<uint64_t>(1000, end - at);
      if (!sink.chunk(reinterpret_cast<const uint8_t*>(image.data() + at), n)) {
        error = "sink stopped";
        return false;
      }
    }
    if (cut) error = "connection reset";
    return !cut;
  }
};

struct FakeSlots : ImageSlots {
  std::string next_manifest, next, current;
  BootRecord record;
  int promotions = 0;
  bool begin(const std::string& manifest_bytes, ChunkSink& sink, uint64_t& resume_from, std::string&) override {
    resume_from = 0;
    if (manifest_bytes == next_manifest && !next.empty() &&
        sink.chunk(reinterpret_cast<const uint8_t*>(next.data()), next.size())) {
      resume_from = next.size();
    } else {
      next.clear();
    }
    next_manifest = manifest_bytes;
    return true;
  }
  bool write(const uint8_t* data, size_t length, std::string&) override {
    next.append(reinterpret_cast<const char*>(data), length);
    return true;
  }
  void discard() override {
    next.clear();
    next_manifest.clear();
  }
  bool commit(std::string&) override { return true; }
  bool promote(std::string&) override {
    current = next;
    ++promotions;
    return true;
  }
  BootRecord load() override { return record; }
  bool save(const BootRecord& r, std::string&) override {
    record = r;
    return true;
  }
};

struct Steps : OtaProgress {
  std::vector<OtaReport> all;
  void report(const OtaReport& step) override { all.push_back(step); }
  std::string states() const {
    std::string s;
    for (const auto& r : all) s += (s.empty() ? "" : ",") + r.state;
    return s;
  }
};

struct Rig {
  Keys keys;
  std::string image;
  std::string manifest_json;
  MbedtlsManifestVerifier verifier;
  FakeSource source;
  FakeSlots slots;
  Steps steps;
  Rig() : image(make_image()), manifest_json(manifest("esp32-electrical", "1.3.0", image.size(), keys.sha256(image))),
          verifier(keys.pub()) {
    source.image = image;
  }
  static std::string make_image() {
    std::string s(50000, 'x');
    for (size_t i = 0; i < s.size(); ++i) s[i] = static_cast<char>(i * 17 % 253);
    return s;
  }
  OtaCommand command(const std::string& signed_manifest = "") {
    std::string m = signed_manifest.empty() ? manifest_json : signed_manifest;
    return OtaCommand{"req-1", "https://fw.example/1.3.0.bin", keys.sha256(image), base64(keys.sign(manifest_json)),
                      "1.3.0", base64(m), ""};
  }
  OtaUpdater updater() { return OtaUpdater(verifier, source, slots, "esp32-electrical", "1.2.0", 60000); }
};

}  // namespace

TEST_CASE("an update is verified, downloaded into the inactive slot, checked and booted on trial") {
  Rig rig;
  OtaUpdater ota = rig.updater();
  CHECK(ota.boot(0) == "1.2.0");
  CHECK(ota.last_report() == nullptr);
  OtaOutcome out = ota.handle(rig.command(), rig.steps);
  CHECK(out.result == "applied");
  CHECK(rig.steps.states() == "downloading,installed");
  CHECK(rig.slots.next == rig.image);
  CHECK(ota.reboot_requested());
  CHECK(rig.slots.record.trial_version == "1.3.0");

  // The reboot: the new image runs on trial and is kept once a reading is acknowledged.
  OtaUpdater booted = rig.updater();
  CHECK(booted.boot(1000) == "1.3.0");
  REQUIRE(booted.last_report() != nullptr);
  CHECK(booted.last_report()->state == "booted");
  booted.on_delivered(rig.steps);
  CHECK(rig.steps.all.back().state == "confirmed");
  CHECK(rig.slots.promotions == 1);
  CHECK(rig.slots.current == rig.image);
  OtaUpdater later = rig.updater();
  CHECK(later.boot(0) == "1.3.0");
  CHECK(later.last_report()->state == "confirmed");
}

TEST_CASE("a dropped download resumes with a Range from where it stopped, within one command and across two") {
  Rig rig;
  rig.source.cut_at = 20000;
  rig.source.failures = 1;
  OtaUpdater ota = rig.updater();
  ota.boot(0);
  CHECK(ota.handle(rig.command(), rig.steps).result == "applied");
  CHECK(rig.source.offsets == std::vector<uint64_t>{0, 20000});

  Rig again;
  again.source.cut_at = 30000;
  again.source.failures = OtaUpdater::kAttempts;  // every attempt of the first command breaks
  OtaUpdater first = again.updater();
  first.boot(0);
  OtaOutcome out = first.handle(again.command(), again.steps);
  CHECK(out.result == "failed");
  CHECK(out.detail == "download failed at byte 30000 of 50000: connection reset");
  CHECK(again.slots.next.size() == 30000);
  OtaOutcome second = first.handle(again.command(), again.steps);
  CHECK(second.result == "applied");
  CHECK(again.steps.all[again.steps.all.size() - 2].detail == "resuming at byte 30000 of 50000");
  CHECK(again.source.offsets.back() == 30000);
  CHECK(again.slots.next == again.image);
}

TEST_CASE("a download complete before a power cut is checked and installed, without a Range beyond the end") {
  Rig rig;
  rig.slots.next_manifest = rig.manifest_json;
  rig.slots.next = rig.image;  // every byte written, then the power went before the device reported installed
  OtaUpdater ota = rig.updater();
  ota.boot(0);
  OtaOutcome out = ota.handle(rig.command(), rig.steps);
  CHECK(out.detail == "1.3.0 installed; rebooting to try it, kept once it has published");
  CHECK(out.result == "applied");
  CHECK(rig.source.offsets.empty());
  CHECK(rig.steps.all.front().detail == "resuming at byte 50000 of 50000");
}

TEST_CASE("a tampered image is refused and thrown away, nothing is booted") {
  Rig rig;
  rig.source.image[123] ^= 1;
  OtaUpdater ota = rig.updater();
  ota.boot(0);
  OtaOutcome out = ota.handle(rig.command(), rig.steps);
  CHECK(out.result == "refused");
  CHECK(out.detail.find("HashMismatch: the image's SHA-256 is ") == 0);
  CHECK(rig.steps.states() == "downloading,refused");
  CHECK(rig.slots.next.empty());
  CHECK_FALSE(ota.reboot_requested());
  CHECK(rig.slots.record.trial_version.empty());
}

TEST_CASE("a wrong signature or a downgrade is refused before a byte is downloaded") {
  Rig rig;
  OtaUpdater ota = rig.updater();
  ota.boot(0);
  OtaCommand bad = rig.command();
  bad.signature = base64(rig.keys.sign(rig.manifest_json, "other.key"));
  CHECK(ota.handle(bad, rig.steps).detail ==
        "BadSignature: the manifest's signature does not verify with the built-in OTA key");
  OtaUpdater newer(rig.verifier, rig.source, rig.slots, "esp32-electrical", "1.3.0", 60000);
  newer.boot(0);
  CHECK(newer.handle(rig.command(), rig.steps).detail ==
        "NotNewer: version 1.3.0 is not newer than the running 1.3.0 (no downgrade)");
  OtaCommand lying = rig.command();
  lying.version = "1.4.0";
  CHECK(ota.handle(lying, rig.steps).detail.find("Malformed: the command's version and sha256 (1.4.0) differ") == 0);
  CHECK(rig.source.offsets.empty());
  CHECK(rig.steps.states() == "refused,refused,refused");
}

TEST_CASE("an image on trial that never publishes is rolled back: by the deadline or at the next boot") {
  Rig rig;
  OtaUpdater ota = rig.updater();
  ota.boot(0);
  REQUIRE(ota.handle(rig.command(), rig.steps).result == "applied");

  OtaUpdater crashed = rig.updater();
  CHECK(crashed.boot(0) == "1.3.0");
  OtaUpdater after_crash = rig.updater();
  CHECK(after_crash.boot(0) == "1.2.0");
  CHECK(after_crash.last_report()->state == "rolled_back");
  CHECK(after_crash.last_report()->detail == "1.3.0 did not reconnect and publish after its boot; back to 1.2.0");

  Rig slow;
  OtaUpdater a = slow.updater();
  a.boot(0);
  REQUIRE(a.handle(slow.command(), slow.steps).result == "applied");
  OtaUpdater b = slow.updater();
  CHECK(b.boot(1000) == "1.3.0");
  b.poll(60999, slow.steps);
  CHECK_FALSE(b.reboot_requested());
  b.poll(61000, slow.steps);
  CHECK(b.reboot_requested());
  CHECK(slow.steps.all.back().state == "rolled_back");
  OtaUpdater c = slow.updater();
  CHECK(c.boot(0) == "1.2.0");
  CHECK(slow.slots.promotions == 0);
}
