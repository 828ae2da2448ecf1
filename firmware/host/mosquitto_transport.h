// The core's Transport over libmosquitto (MQTT 3.1.1, OpenSSL TLS 1.3 with optional client certificates).
#pragma once

#include <set>
#include <string>

#include "flux/fw/device.h"

struct mosquitto;
struct mosquitto_message;

namespace flux::host {

struct BrokerSettings {
  std::string host;
  int port;
  std::string cafile, cert, key;  // TLS when cafile is set
  std::string username, password;
  bool password_given;
};

/**
 * One libmosquitto client per connection attempt: when a connection ends the client and its queue go,
 * so the core's offline buffer alone decides what is resent (the library would otherwise resend its own
 * copies, as esp-mqtt's outbox would). Single-threaded: loop() runs the network on the caller's thread.
 */
class MosquittoTransport : public fw::Transport {
 public:
  explicit MosquittoTransport(BrokerSettings settings);
  ~MosquittoTransport() override;
  MosquittoTransport(const MosquittoTransport&) = delete;
  MosquittoTransport& operator=(const MosquittoTransport&) = delete;

  void bind(fw::Device* device) { device_ = device; }
  /** Runs network I/O for at most {@code timeout_ms}, delivering events to the device. */
  void loop(int timeout_ms);
  /** Whether the message id has been acknowledged (PUBACK / PUBCOMP) on this connection. */
  bool completed(int message_id) const { return completed_.count(message_id) > 0; }

  bool connect(const fw::ConnectRequest& request) override;
  int publish(const std::string& topic, const std::string& payload, int qos, bool retain) override;
  bool subscribe(const std::string& filter, int qos) override;
  void disconnect() override;

 private:
  static void on_connect(struct mosquitto*, void* self, int rc);
  static void on_disconnect(struct mosquitto*, void* self, int rc);
  static void on_publish(struct mosquitto*, void* self, int mid);
  static void on_message(struct mosquitto*, void* self, const struct mosquitto_message* message);
  void drop_client();
  void lost(const std::string& reason);

  BrokerSettings settings_;
  fw::Device* device_ = nullptr;
  struct mosquitto* mosq_ = nullptr;
  bool up_ = false;
  std::string pending_;  // why the connection ended, reported by loop()
  std::set<int> completed_;
};

}  // namespace flux::host
