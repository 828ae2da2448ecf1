// OTA on the board (FR-1.8, G-7, SEC-8): the core's OtaUpdater over esp_http_client (HTTPS, Range) and the two
// OTA app partitions with ESP-IDF's app rollback. No logic here: verification, resume, trial and rollback are
// the core's (../core/src/ota_update.cpp).
#pragma once

#include <esp_ota_ops.h>

#include <string>

#include "flux/fw/ota_update.h"

/** HTTPS GET with a Range header, the server verified against the CA the broker is verified with. */
class EspImageSource : public flux::fw::ImageSource {
 public:
  explicit EspImageSource(const char* ca_pem) : ca_pem_(ca_pem) {}
  bool fetch(const std::string& url, uint64_t offset, flux::fw::ChunkSink& sink, std::string& error) override;

 private:
  const char* ca_pem_;
};

/**
 * The inactive OTA app partition and a boot record in NVS. A download interrupted inside one command resumes
 * (the partition stays open); a new command starts the partition afresh (esp_ota_begin erases it).
 */
class EspSlots : public flux::fw::ImageSlots {
 public:
  bool begin(const std::string& manifest_bytes, flux::fw::ChunkSink& sink, uint64_t& resume_from,
             std::string& error) override;
  bool write(const uint8_t* data, size_t length, std::string& error) override;
  void discard() override;
  bool commit(std::string& error) override;
  bool promote(std::string& error) override;
  flux::fw::BootRecord load() override;
  bool save(const flux::fw::BootRecord& record, std::string& error) override;

 private:
  const esp_partition_t* partition_ = nullptr;
  esp_ota_handle_t handle_ = 0;
};
