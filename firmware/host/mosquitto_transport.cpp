#include "mosquitto_transport.h"

#include <mosquitto.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace flux::host {

namespace {

std::string error_text(int rc) {
  if (rc == MOSQ_ERR_ERRNO) return std::strerror(errno);
  return mosquitto_strerror(rc);
}

// libmosquitto 2.0.11 does not notice a refused TCP connect under TLS: it retries the ClientHello on the dead
// socket (EPIPE) until the keep-alive. A socket that polls ready but has no peer never connected.
bool tcp_failed(int fd) {
  if (fd < 0) return false;
  pollfd p{fd, POLLOUT, 0};
  if (poll(&p, 1, 0) <= 0) return false;  // still connecting
  sockaddr_storage peer{};
  socklen_t len = sizeof peer;
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0 && errno == ENOTCONN;
}

struct LibraryInit {
  LibraryInit() { mosquitto_lib_init(); }
  ~LibraryInit() { mosquitto_lib_cleanup(); }
};

}  // namespace

MosquittoTransport::MosquittoTransport(BrokerSettings settings) : settings_(std::move(settings)) {
  static LibraryInit init;
}

MosquittoTransport::~MosquittoTransport() { drop_client(); }

void MosquittoTransport::drop_client() {
  if (mosq_ != nullptr) {
    mosquitto_destroy(mosq_);
    mosq_ = nullptr;
  }
  up_ = false;
  pending_.clear();
  completed_.clear();
}

bool MosquittoTransport::connect(const fw::ConnectRequest& r) {
  drop_client();
  mosq_ = mosquitto_new(r.client_id.c_str(), r.clean_session, this);
  if (mosq_ == nullptr) return false;
  mosquitto_connect_callback_set(mosq_, &MosquittoTransport::on_connect);
  mosquitto_disconnect_callback_set(mosq_, &MosquittoTransport::on_disconnect);
  mosquitto_publish_callback_set(mosq_, &MosquittoTransport::on_publish);
  mosquitto_message_callback_set(mosq_, &MosquittoTransport::on_message);
  int rc = mosquitto_will_set(mosq_, r.will_topic.c_str(), static_cast<int>(r.will_payload.size()),
                              r.will_payload.data(), r.will_qos, r.will_retain);
  if (rc == MOSQ_ERR_SUCCESS && (settings_.password_given || !settings_.username.empty())) {
    std::string user = settings_.username.empty() ? r.client_id : settings_.username;
    rc = mosquitto_username_pw_set(mosq_, user.c_str(), settings_.password_given ? settings_.password.c_str() : nullptr);
  }
  if (rc == MOSQ_ERR_SUCCESS && !settings_.cafile.empty()) {
    rc = mosquitto_tls_set(mosq_, settings_.cafile.c_str(), nullptr,
                           settings_.cert.empty() ? nullptr : settings_.cert.c_str(),
                           settings_.key.empty() ? nullptr : settings_.key.c_str(), nullptr);
    // FR-1.2: TLS 1.3 only, the broker's certificate and host name verified (1 = SSL_VERIFY_PEER).
    if (rc == MOSQ_ERR_SUCCESS) rc = mosquitto_tls_opts_set(mosq_, 1, "tlsv1.3", nullptr);
  }
  if (rc == MOSQ_ERR_SUCCESS) {
    rc = mosquitto_connect_async(mosq_, settings_.host.c_str(), settings_.port, r.keep_alive_s);
  }
  if (rc != MOSQ_ERR_SUCCESS) {
    if (device_ != nullptr) {
      // Reported as a failed attempt, so the device backs off and tries again.
      std::string reason = "cannot connect to " + settings_.host + ":" + std::to_string(settings_.port) + ": " +
                           error_text(rc);
      drop_client();
      device_->on_disconnected(reason);
    }
    return true;
  }
  return true;
}

int MosquittoTransport::publish(const std::string& topic, const std::string& payload, int qos, bool retain) {
  if (mosq_ == nullptr || !up_) return -1;
  int mid = 0;
  int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(), qos, retain);
  return rc == MOSQ_ERR_SUCCESS ? mid : -1;
}

bool MosquittoTransport::subscribe(const std::string& filter, int qos) {
  return mosq_ != nullptr && mosquitto_subscribe(mosq_, nullptr, filter.c_str(), qos) == MOSQ_ERR_SUCCESS;
}

void MosquittoTransport::disconnect() {
  if (mosq_ != nullptr) {
    mosquitto_disconnect(mosq_);
    // Let the DISCONNECT go out before the socket is closed.
    mosquitto_loop(mosq_, 50, 1);
  }
  drop_client();
}

void MosquittoTransport::loop(int timeout_ms) {
  if (mosq_ == nullptr) return;
  int rc = mosquitto_loop(mosq_, timeout_ms, 1);
  if (mosq_ != nullptr && (rc != MOSQ_ERR_SUCCESS || !pending_.empty())) {
    // The client is destroyed here, never inside its own callbacks. A failed TLS handshake or a refused TCP
    // connect ends here with only the loop's error code.
    std::string reason = pending_.empty() ? error_text(rc) : pending_;
    pending_.clear();
    lost(reason);
  } else if (mosq_ != nullptr && !up_ && tcp_failed(mosquitto_socket(mosq_))) {
    lost("cannot connect to " + settings_.host + ":" + std::to_string(settings_.port) + ": connection refused or reset");
  }
}

void MosquittoTransport::lost(const std::string& reason) {
  drop_client();
  if (device_ != nullptr) device_->on_disconnected(reason);
}

void MosquittoTransport::on_connect(struct mosquitto*, void* self, int rc) {
  auto* t = static_cast<MosquittoTransport*>(self);
  if (rc != 0) {
    t->pending_ = std::string("refused by the broker: ") + mosquitto_connack_string(rc);
    return;
  }
  t->up_ = true;
  if (t->device_ != nullptr) t->device_->on_connected();
}

void MosquittoTransport::on_disconnect(struct mosquitto*, void* self, int rc) {
  auto* t = static_cast<MosquittoTransport*>(self);
  // Deferred: destroying the client inside its own callback is not allowed; loop() reports it.
  t->up_ = false;
  if (t->pending_.empty()) t->pending_ = rc == 0 ? "disconnected" : "connection lost: " + error_text(rc);
}

void MosquittoTransport::on_publish(struct mosquitto*, void* self, int mid) {
  auto* t = static_cast<MosquittoTransport*>(self);
  t->completed_.insert(mid);
  if (t->device_ != nullptr) t->device_->on_published(mid);
}

void MosquittoTransport::on_message(struct mosquitto*, void* self, const struct mosquitto_message* m) {
  auto* t = static_cast<MosquittoTransport*>(self);
  if (t->device_ == nullptr || m->topic == nullptr) return;
  std::string payload(static_cast<const char*>(m->payload), static_cast<size_t>(m->payloadlen));
  t->device_->on_message(m->topic, payload);
}

}  // namespace flux::host
