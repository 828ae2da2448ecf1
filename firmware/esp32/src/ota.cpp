#include "ota.h"

#include <esp_http_client.h>
#include <nvs.h>

#include <cstdlib>
#include <vector>

namespace {

const char* const kNamespace = "flux-ota";

std::string esp_error(const char* what, esp_err_t err) { return std::string(what) + ": " + esp_err_to_name(err); }

}  // namespace

bool EspImageSource::fetch(const std::string& url, uint64_t offset, flux::fw::ChunkSink& sink, std::string& error) {
  esp_http_client_config_t config = {};
  config.url = url.c_str();
  config.cert_pem = ca_pem_;
  config.timeout_ms = 15000;
  esp_http_client_handle_t client = esp_http_client_init(&config);
  std::string range = "bytes=" + std::to_string(offset) + "-";
  if (offset > 0) esp_http_client_set_header(client, "Range", range.c_str());
  bool ok = false;
  esp_err_t err = esp_http_client_open(client, 0);
  if (err != ESP_OK) {
    error = esp_error("esp_http_client_open", err);
  } else if (esp_http_client_fetch_headers(client) < 0) {
    error = "no HTTP headers from " + url;
  } else {
    int status = esp_http_client_get_status_code(client);
    if (status != (offset > 0 ? 206 : 200)) {
      error = "HTTP " + std::to_string(status) + " from " + url;
    } else {
      std::vector<char> buf(4096);
      for (;;) {
        int n = esp_http_client_read(client, buf.data(), buf.size());
        if (n < 0) {
          error = "read failed after " + std::to_string(offset) + " bytes";
          break;
        }
        if (n == 0) {
          ok = esp_http_client_is_complete_data_received(client);
          if (!ok) error = "connection closed early";
          break;
        }
        if (!sink.chunk(reinterpret_cast<const uint8_t*>(buf.data()), n)) {
          error = "stopped writing the image";
          break;
        }
      }
    }
  }
  esp_http_client_close(client);
  esp_http_client_cleanup(client);
  return ok;
}

bool EspSlots::begin(const std::string&, flux::fw::ChunkSink&, uint64_t& resume_from, std::string& error) {
  discard();
  resume_from = 0;
  partition_ = esp_ota_get_next_update_partition(nullptr);
  esp_err_t err = partition_ == nullptr ? ESP_ERR_NOT_FOUND
                                        : esp_ota_begin(partition_, OTA_WITH_SEQUENTIAL_WRITES, &handle_);
  if (err != ESP_OK) {
    error = esp_error("esp_ota_begin", err);
    handle_ = 0;
    return false;
  }
  return true;
}

bool EspSlots::write(const uint8_t* data, size_t length, std::string& error) {
  esp_err_t err = esp_ota_write(handle_, data, length);
  if (err != ESP_OK) error = esp_error("esp_ota_write", err);
  return err == ESP_OK;
}

void EspSlots::discard() {
  if (handle_ != 0) esp_ota_abort(handle_);
  handle_ = 0;
}

bool EspSlots::commit(std::string& error) {
  // Checked by the core already (size, SHA-256 of the signed manifest); esp_ota_end checks the app image format.
  esp_err_t err = esp_ota_end(handle_);
  handle_ = 0;
  if (err == ESP_OK) err = esp_ota_set_boot_partition(partition_);
  if (err != ESP_OK) error = esp_error("esp_ota_end/esp_ota_set_boot_partition", err);
  return err == ESP_OK;
}

bool EspSlots::promote(std::string& error) {
  // The image booted in ESP_OTA_IMG_PENDING_VERIFY; unconfirmed, the bootloader goes back at the next reset.
  esp_err_t err = esp_ota_mark_app_valid_cancel_rollback();
  if (err != ESP_OK) error = esp_error("esp_ota_mark_app_valid_cancel_rollback", err);
  return err == ESP_OK;
}

flux::fw::BootRecord EspSlots::load() {
  flux::fw::BootRecord r;
  nvs_handle_t h;
  if (nvs_open(kNamespace, NVS_READONLY, &h) != ESP_OK) return r;
  auto get = [h](const char* key) {
    size_t n = 0;
    if (nvs_get_str(h, key, nullptr, &n) != ESP_OK || n == 0) return std::string();
    std::string v(n, '\0');
    nvs_get_str(h, key, v.data(), &n);
    v.resize(n - 1);
    return v;
  };
  r.running_version = get("running");
  r.trial_version = get("trial");
  r.trial_boots = std::atoi(get("boots").c_str());
  r.last = flux::fw::OtaReport{get("request"), get("state"), get("version"), get("detail")};
  nvs_close(h);
  return r;
}

bool EspSlots::save(const flux::fw::BootRecord& r, std::string& error) {
  nvs_handle_t h;
  esp_err_t err = nvs_open(kNamespace, NVS_READWRITE, &h);
  if (err != ESP_OK) {
    error = esp_error("nvs_open", err);
    return false;
  }
  const std::pair<const char*, std::string> values[] = {
      {"running", r.running_version}, {"trial", r.trial_version}, {"boots", std::to_string(r.trial_boots)},
      {"request", r.last.request_id}, {"state", r.last.state},   {"version", r.last.version},
      {"detail", r.last.detail}};
  for (const auto& [key, value] : values) {
    if (err == ESP_OK) err = nvs_set_str(h, key, value.c_str());
  }
  if (err == ESP_OK) err = nvs_commit(h);
  nvs_close(h);
  if (err != ESP_OK) error = esp_error("nvs_set_str", err);
  return err == ESP_OK;
}
