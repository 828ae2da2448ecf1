// The core's Transport over ESP-IDF's esp-mqtt (MQTT 3.1.1 over TLS 1.3 with the device certificate). Not named
// mqtt_client.h: that is esp-mqtt's own header, included below.
#pragma once

#include <freertos/FreeRTOS.h>
#include <freertos/queue.h>
#include <mqtt_client.h>

#include <string>

#include "flux/fw/device.h"

/** An esp-mqtt event, copied off the MQTT task so that the core runs on the main task only. */
struct MqttEvent {
  enum Kind { Connected, Disconnected, Published, Message } kind;
  unsigned generation;  // which client it came from: events of a destroyed client are dropped
  int message_id;
  std::string* topic;    // owned by the receiver (Message only)
  std::string* payload;  // owned by the receiver (Message only)
};

class EspMqttTransport : public flux::fw::Transport {
 public:
  EspMqttTransport(const char* uri, const char* ca_pem, const char* cert_pem, const char* key_pem);
  /** Hands the queued events to the device; called from the main task's loop. */
  void dispatch(flux::fw::Device& device, TickType_t wait);

  bool connect(const flux::fw::ConnectRequest& request) override;
  int publish(const std::string& topic, const std::string& payload, int qos, bool retain) override;
  bool subscribe(const std::string& filter, int qos) override;
  void disconnect() override;

 private:
  static void on_event(void* self, esp_event_base_t base, int32_t id, void* data);
  const char* uri_;
  const char* ca_;
  const char* cert_;
  const char* key_;
  esp_mqtt_client_handle_t client_ = nullptr;
  QueueHandle_t events_;
  unsigned generation_ = 0;  // bumped for every new client
  std::string will_topic_, will_payload_, client_id_;
};
