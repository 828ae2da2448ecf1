#include "ota.h"

#include <esp_ota_ops.h>

// Signed OTA is the next slice of issue 11: the core's MbedtlsManifestVerifier (ECDSA P-256 over the
// manifest, model, anti-rollback) checks the manifest before esp_https_ota_begin, an ImageCheck is fed each
// chunk esp_https_ota_perform writes, and esp_https_ota_finish sets the boot slot only when it accepts.
// Until then the board answers as `flux fleet` does.
flux::fw::OtaOutcome EspOtaHandler::handle(const flux::fw::OtaCommand& command, flux::fw::OtaProgress&) {
  return {"not_supported", "signed OTA is not in this firmware build yet; " + command.version +
                               " not installed, firmware unchanged"};
}

void EspOtaHandler::confirm_running_image() {
  esp_ota_img_states_t state;
  const esp_partition_t* running = esp_ota_get_running_partition();
  if (esp_ota_get_state_partition(running, &state) == ESP_OK && state == ESP_OTA_IMG_PENDING_VERIFY) {
    esp_ota_mark_app_valid_cancel_rollback();
  }
}
