// The Linux side of OTA: HTTPS downloads with libcurl (TLS 1.3, resume by Range) and a slot directory in place
// of the board's two flash partitions.
#pragma once

#include <cstdio>
#include <string>

#include "flux/fw/ota_update.h"

namespace flux::host {

/** Reads a whole file; false when it cannot be read. */
bool read_file(const std::string& path, std::string& out);

/** HTTPS only, TLS 1.3, the server verified against {@code cafile} (or the system's CAs when empty). */
class CurlImageSource : public fw::ImageSource {
 public:
  explicit CurlImageSource(std::string cafile) : cafile_(std::move(cafile)) {}
  bool fetch(const std::string& url, uint64_t offset, fw::ChunkSink& sink, std::string& error) override;

 private:
  std::string cafile_;
};

/**
 * {@code DIR/next.bin} is the inactive slot (with {@code next.manifest.json}, the image it is filling for, so an
 * interrupted download resumes), {@code DIR/current.bin} the active one, {@code DIR/boot} the boot record. Every
 * write is flushed, so a device killed mid-download keeps what it had.
 */
class DirectorySlots : public fw::ImageSlots {
 public:
  explicit DirectorySlots(std::string dir) : dir_(std::move(dir)) {}
  ~DirectorySlots() override;
  DirectorySlots(const DirectorySlots&) = delete;
  DirectorySlots& operator=(const DirectorySlots&) = delete;

  bool begin(const std::string& manifest_bytes, fw::ChunkSink& sink, uint64_t& resume_from,
             std::string& error) override;
  bool write(const uint8_t* data, size_t length, std::string& error) override;
  void discard() override;
  bool commit(std::string& error) override;
  bool promote(std::string& error) override;
  fw::BootRecord load() override;
  bool save(const fw::BootRecord& record, std::string& error) override;

 private:
  std::string path(const char* name) const { return dir_ + "/" + name; }
  void close();
  std::string dir_;
  std::FILE* next_ = nullptr;
};

}  // namespace flux::host
