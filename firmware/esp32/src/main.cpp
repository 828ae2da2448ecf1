// The board's wiring: platform adapters for the core, WiFi (WPA2-Enterprise), SNTP, and one loop that runs
// the core and the MQTT events on the main task. No logic of its own: that is in ../core.
#include <esp_log.h>
#include <esp_netif_sntp.h>
#include <esp_random.h>
#include <esp_system.h>
#include <esp_timer.h>
#include <esp_eap_client.h>
#include <esp_wifi.h>
#include <nvs.h>
#include <nvs_flash.h>

#include <cstring>
#include <ctime>
#include <sys/time.h>

#include "flux/fw/device.h"
#include "mqtt_transport.h"
#include "ota.h"
#include "sensors/sensors.h"

extern const char ca_pem[] asm("_binary_certs_ca_crt_start");
extern const char cert_pem[] asm("_binary_certs_device_crt_start");
extern const char key_pem[] asm("_binary_certs_device_key_start");
extern const char ota_public_key_pem[] asm("_binary_certs_ota_signing_pub_start");

namespace {

const char* const kTag = "flux";

class EspClock : public flux::fw::Clock {
 public:
  int64_t monotonic_ms() override { return esp_timer_get_time() / 1000; }
  std::optional<int64_t> utc_ms() override {
    // FR-1.10: UTC only once SNTP has set the clock; before that readings are buffered unstamped.
    if (esp_netif_sntp_sync_wait(0) != ESP_OK && !synced_) return std::nullopt;
    synced_ = true;
    struct timeval tv;
    gettimeofday(&tv, nullptr);
    return static_cast<int64_t>(tv.tv_sec) * 1000 + tv.tv_usec / 1000;
  }

 private:
  bool synced_ = false;
};

class EspRandom : public flux::fw::Random {
 public:
  uint64_t next_u64() override { return static_cast<uint64_t>(esp_random()) << 32 | esp_random(); }
};

class NvsStorage : public flux::fw::Storage {
 public:
  NvsStorage() { nvs_open("flux", NVS_READWRITE, &handle_); }
  std::optional<std::string> get(const std::string& key) override {
    char buf[64];
    size_t len = sizeof buf;
    if (nvs_get_str(handle_, key.c_str(), buf, &len) != ESP_OK) return std::nullopt;
    return std::string(buf);
  }
  bool put(const std::string& key, const std::string& value) override {
    return nvs_set_str(handle_, key.c_str(), value.c_str()) == ESP_OK && nvs_commit(handle_) == ESP_OK;
  }

 private:
  nvs_handle_t handle_ = 0;
};

uint32_t wifi_reconnects = 0;

class EspSystem : public flux::fw::SystemInfo {
 public:
  uint32_t free_heap() override { return esp_get_free_heap_size(); }
  int rssi() override {
    wifi_ap_record_t ap;
    return esp_wifi_sta_get_ap_info(&ap) == ESP_OK ? ap.rssi : -127;
  }
  uint32_t wifi_reconnects() override { return ::wifi_reconnects; }
};

class EspLog : public flux::fw::Log {
 public:
  void info(const std::string& line) override { ESP_LOGI(kTag, "%s", line.c_str()); }
  void warn(const std::string& line) override { ESP_LOGW(kTag, "%s", line.c_str()); }
};

void on_wifi(void*, esp_event_base_t, int32_t id, void*) {
  if (id == WIFI_EVENT_STA_DISCONNECTED) {
    ++wifi_reconnects;
    esp_wifi_connect();
  }
}

/** WPA2-Enterprise (EAP-TLS with the device certificate) as the factory network requires; see README. */
void start_wifi_and_time();

std::unique_ptr<flux::fw::Sensor> make_sensor() {
#if defined(FLUX_SENSOR_ELECTRICAL)
  return make_electrical_sensor();
#elif defined(FLUX_SENSOR_THERMAL)
  return make_thermal_sensor();
#else
  return make_environmental_sensor();
#endif
}

}  // namespace

extern "C" void app_main() {
  nvs_flash_init();
  start_wifi_and_time();

  flux::fw::DeviceSettings settings;
  settings.identity = {FLUX_DEVICE_ID, FLUX_THING_ID, FLUX_FACTORY_ID, FLUX_EQUIPMENT_TYPE, FLUX_EQUIPMENT_ID,
                       FLUX_SENSOR_LEVEL};
  settings.firmware_version = FLUX_FIRMWARE_VERSION;
  std::string problems = settings.validate();
  if (!problems.empty()) {
    ESP_LOGE(kTag, "bad provisioning, not starting: %s", problems.c_str());
    return;
  }
  static EspClock clock;
  static EspRandom random;
  static NvsStorage storage;
  static EspSystem system;
  static EspLog log;
  // Signed OTA: the core's OtaUpdater over the board's HTTPS client and OTA partitions (src/ota.cpp).
  static flux::fw::MbedtlsManifestVerifier verifier(ota_public_key_pem);
  static EspImageSource image_source(ca_pem);
  static EspSlots slots;
  static flux::fw::OtaUpdater ota(verifier, image_source, slots, FLUX_MODEL, FLUX_FIRMWARE_VERSION, 120000);
  settings.firmware_version = ota.boot(clock.monotonic_ms());
  static EspMqttTransport transport(FLUX_BROKER_URI, ca_pem, cert_pem, key_pem);
  static std::unique_ptr<flux::fw::Sensor> sensor = make_sensor();
  static flux::fw::Device device(settings, transport, *sensor, clock, random, system, log, &storage, &ota);
  device.start();
  while (!device.reboot_requested()) {
    device.poll();
    transport.dispatch(device, pdMS_TO_TICKS(20));
  }
  // Into the new image on trial, or back from one (the bootloader's app rollback reverts an unconfirmed image).
  for (int i = 0; i < 50; ++i) transport.dispatch(device, pdMS_TO_TICKS(20));
  esp_restart();
}

namespace {

void start_wifi_and_time() {
  esp_netif_init();
  esp_event_loop_create_default();
  esp_netif_create_default_wifi_sta();
  wifi_init_config_t init = WIFI_INIT_CONFIG_DEFAULT();
  esp_wifi_init(&init);
  esp_event_handler_register(WIFI_EVENT, ESP_EVENT_ANY_ID, &on_wifi, nullptr);
  wifi_config_t sta = {};
  strncpy(reinterpret_cast<char*>(sta.sta.ssid), FLUX_WIFI_SSID, sizeof sta.sta.ssid);
  esp_wifi_set_mode(WIFI_MODE_STA);
  esp_wifi_set_config(WIFI_IF_STA, &sta);
  // EAP-TLS: the same device certificate as for MQTT (esp_eap_client.h, ESP-IDF 5.1+).
  esp_eap_client_set_certificate_and_key(reinterpret_cast<const unsigned char*>(cert_pem), strlen(cert_pem) + 1,
                                         reinterpret_cast<const unsigned char*>(key_pem), strlen(key_pem) + 1,
                                         nullptr, 0);
  esp_eap_client_set_ca_cert(reinterpret_cast<const unsigned char*>(ca_pem), strlen(ca_pem) + 1);
  esp_wifi_sta_enterprise_enable();
  esp_wifi_start();
  esp_wifi_connect();
  esp_sntp_config_t sntp = ESP_NETIF_SNTP_DEFAULT_CONFIG(FLUX_NTP_SERVER);
  esp_netif_sntp_init(&sntp);
}

}  // namespace
