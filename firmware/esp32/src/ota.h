// OTA on the board (FR-1.8, G-7, SEC-8): esp_https_ota into the other app slot, behind the core's OtaHandler.
#pragma once

#include "flux/fw/ota.h"

class EspOtaHandler : public flux::fw::OtaHandler {
 public:
  flux::fw::OtaOutcome handle(const flux::fw::OtaCommand& command, flux::fw::OtaProgress& progress) override;
  /**
   * A freshly booted image is kept only after it has reconnected and published (rollback otherwise):
   * called by main once the first telemetry is acknowledged.
   */
  static void confirm_running_image();
};
