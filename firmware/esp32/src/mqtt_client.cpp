#include "mqtt_transport.h"

EspMqttTransport::EspMqttTransport(const char* uri, const char* ca_pem, const char* cert_pem, const char* key_pem)
    : uri_(uri), ca_(ca_pem), cert_(cert_pem), key_(key_pem), events_(xQueueCreate(64, sizeof(MqttEvent))) {}

bool EspMqttTransport::connect(const flux::fw::ConnectRequest& r) {
  disconnect();
  // The strings must outlive the client: esp-mqtt keeps pointers.
  client_id_ = r.client_id;
  will_topic_ = r.will_topic;
  will_payload_ = r.will_payload;
  esp_mqtt_client_config_t cfg = {};
  cfg.broker.address.uri = uri_;
  cfg.broker.verification.certificate = ca_;
  cfg.credentials.client_id = client_id_.c_str();
  cfg.credentials.authentication.certificate = cert_;
  cfg.credentials.authentication.key = key_;
  cfg.session.keepalive = r.keep_alive_s;
  cfg.session.disable_clean_session = !r.clean_session;
  cfg.session.last_will.topic = will_topic_.c_str();
  cfg.session.last_will.msg = will_payload_.c_str();
  cfg.session.last_will.msg_len = static_cast<int>(will_payload_.size());
  cfg.session.last_will.qos = r.will_qos;
  cfg.session.last_will.retain = r.will_retain;
  // The core decides when to reconnect (capped exponential backoff with jitter).
  cfg.network.disable_auto_reconnect = true;
  ++generation_;
  client_ = esp_mqtt_client_init(&cfg);
  if (client_ == nullptr) return false;
  esp_mqtt_client_register_event(client_, MQTT_EVENT_ANY, &EspMqttTransport::on_event, this);
  return esp_mqtt_client_start(client_) == ESP_OK;
}

int EspMqttTransport::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  if (client_ == nullptr) return -1;
  // Non-blocking; -1 failure, -2 outbox full: both leave the reading in the core's buffer.
  int mid = esp_mqtt_client_enqueue(client_, topic.c_str(), payload.data(), static_cast<int>(payload.size()), qos,
                                    retain, true);
  return mid < 0 ? -1 : mid;
}

bool EspMqttTransport::subscribe(const std::string& filter, int qos) {
  return client_ != nullptr && esp_mqtt_client_subscribe(client_, filter.c_str(), qos) >= 0;
}

void EspMqttTransport::disconnect() {
  if (client_ == nullptr) return;
  esp_mqtt_client_disconnect(client_);
  // A new client per connection: what esp-mqtt still holds is dropped; the core has its own copies.
  esp_mqtt_client_destroy(client_);
  client_ = nullptr;
}

void EspMqttTransport::on_event(void* self, esp_event_base_t, int32_t id, void* data) {
  auto* t = static_cast<EspMqttTransport*>(self);
  auto* e = static_cast<esp_mqtt_event_handle_t>(data);
  MqttEvent out{MqttEvent::Connected, t->generation_, 0, nullptr, nullptr};
  switch (static_cast<esp_mqtt_event_id_t>(id)) {
    case MQTT_EVENT_CONNECTED: out.kind = MqttEvent::Connected; break;
    // A failed attempt or a loss; MQTT_EVENT_ERROR is always followed by this one.
    case MQTT_EVENT_DISCONNECTED: out.kind = MqttEvent::Disconnected; break;
    case MQTT_EVENT_PUBLISHED:
      out.kind = MqttEvent::Published;
      out.message_id = e->msg_id;
      break;
    case MQTT_EVENT_DATA:
      // Commands are small: a payload split over several events is not a valid command and is dropped.
      if (e->current_data_offset != 0 || e->data_len != e->total_data_len) return;
      out.kind = MqttEvent::Message;
      out.topic = new std::string(e->topic, e->topic_len);
      out.payload = new std::string(e->data, e->data_len);
      break;
    default: return;
  }
  xQueueSend(t->events_, &out, portMAX_DELAY);
}

void EspMqttTransport::dispatch(flux::fw::Device& device, TickType_t wait) {
  MqttEvent e;
  while (xQueueReceive(events_, &e, wait) == pdTRUE) {
    wait = 0;
    if (e.generation != generation_) {
      delete e.topic;
      delete e.payload;
      continue;
    }
    switch (e.kind) {
      case MqttEvent::Connected: device.on_connected(); break;
      case MqttEvent::Disconnected: device.on_disconnected("esp-mqtt: disconnected"); break;
      case MqttEvent::Published: device.on_published(e.message_id); break;
      case MqttEvent::Message:
        device.on_message(*e.topic, *e.payload);
        delete e.topic;
        delete e.payload;
        break;
    }
  }
}
