// The device: FR-1.4 to FR-1.10 over injected platform interfaces. One thread calls every method (the
// board's MQTT task or the host's loop); the core holds no locks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>

#include "flux/fw/backoff.h"
#include "flux/fw/command.h"
#include "flux/fw/offline_buffer.h"
#include "flux/fw/ota.h"
#include "flux/fw/payloads.h"
#include "flux/fw/platform.h"
#include "flux/fw/topics.h"

namespace flux::fw {

/** What a connection attempt asks of the MQTT client. */
struct ConnectRequest {
  std::string client_id;  // the device_id
  uint16_t keep_alive_s;
  bool clean_session;     // true: the core, not the client library, owns what is unsent
  std::string will_topic;
  std::string will_payload;
  int will_qos;
  bool will_retain;
};

/**
 * The MQTT client (esp-mqtt on the board, libmosquitto on Linux). Calls return at once; results arrive
 * through Device::on_connected, on_disconnected, on_published and on_message, on the same thread.
 */
class Transport {
 public:
  virtual ~Transport() = default;
  /** Starts an attempt; false if it could not even start (then no event follows). */
  virtual bool connect(const ConnectRequest& request) = 0;
  /** Queues a publish; its message id (> 0; 0 for QoS 0), or -1 if it could not be queued. */
  virtual int publish(const std::string& topic, const std::string& payload, int qos, bool retain) = 0;
  virtual bool subscribe(const std::string& filter, int qos) = 0;
  /** Closes the connection, cleanly (a DISCONNECT: the broker does not publish the Will). */
  virtual void disconnect() = 0;
};

/** The sensor chip (ATM90E32, MAX31856, BME280 + SCD41) or, on Linux, the simulated physics. */
class Sensor {
 public:
  virtual ~Sensor() = default;
  virtual SensorKind kind() const = 0;
  /** Takes a reading; {@code dt_s} is the nominal interval since the last. False with {@code error} on failure. */
  virtual bool read(double dt_s, Measurements& out, std::string& error) = 0;
};

struct DeviceSettings {
  DeviceIdentity identity;
  std::string firmware_version = "0.1.0";
  uint32_t interval_ms = 1000;        // FR-1.4: 1..60 s; down to 100 ms (10 Hz) for load tests, as flux fleet --rate
  uint32_t heartbeat_ms = 60000;      // FR-1.9
  size_t buffer_capacity = OfflineBuffer<int>::kFirmwareCapacity;  // FR-1.7
  uint16_t keep_alive_s = 20;         // the broker gives up after 1.5 x keep-alive = 30 s
  uint32_t backoff_base_ms = 1000;
  uint32_t backoff_cap_ms = 30000;
  uint32_t connect_timeout_ms = 15000;
  size_t inflight_window = 10;        // unacknowledged telemetry publishes at a time

  /** Every problem, one per line; empty when valid. */
  std::string validate() const;
};

/** Counters an operator reads from the log (the status schema is closed, so they are not published). */
struct Counters {
  uint64_t sampled = 0;          // readings taken
  uint64_t sensor_errors = 0;    // reads that failed
  uint64_t invalid_readings = 0; // readings outside their schema range, not published
  uint64_t published = 0;        // telemetry publishes handed to the client
  uint64_t acked = 0;            // of which PUBACKed
  uint64_t requeued = 0;         // in flight when the connection broke, put back in the buffer
  uint64_t connect_attempts = 0;
  uint64_t connect_failures = 0;
  uint64_t mqtt_reconnects = 0;  // successful connections after the first
  uint64_t commands = 0;
  uint64_t commands_rejected = 0;
};

class Device : private OtaProgress {
 public:
  Device(DeviceSettings settings, Transport& transport, Sensor& sensor, Clock& clock, Random& random,
         SystemInfo& system, Log& log, Storage* storage = nullptr, OtaHandler* ota = nullptr);

  /** Boots: reads a persisted interval, takes the first reading now and connects once the time is known. */
  void start();
  /** Runs what is due (sampling, connecting, delivering, heartbeat); call at least every 50 ms. */
  void poll();
  /**
   * Stops sampling and, when connected, publishes a retained offline status (a clean DISCONNECT does not fire
   * the Will, and a stale "online" would stay retained). Returns its message id to wait for, or -1.
   */
  int stop();

  // Transport events.
  void on_connected();
  /** A lost connection or a failed attempt. */
  void on_disconnected(const std::string& reason);
  /** The PUBACK (QoS 1) or PUBCOMP (QoS 2) of a message id. */
  void on_published(int message_id);
  void on_message(const std::string& topic, const std::string& payload);

  bool connected() const { return link_ == Link::Connected; }
  /** The OTA handler asks for a restart (into a new image, or back from one): the platform reboots. */
  bool reboot_requested() const { return ota_ != nullptr && ota_->reboot_requested(); }
  uint32_t interval_ms() const { return interval_ms_; }
  size_t buffered() const { return buffer_.size(); }
  size_t in_flight() const { return inflight_.size(); }
  uint64_t dropped() const { return buffer_.dropped(); }
  const Counters& counters() const { return counters_; }
  /** Readings held back because no UTC time has been known since they were taken (FR-1.10). */
  size_t unstamped() const;

 private:
  /** One reading as buffered: compact values, not JSON, so 1000 of them fit beside TLS on the board. */
  struct Sample {
    Measurements measurements;
    int64_t monotonic_ms;
    int64_t utc_ms;   // valid only when time_valid
    bool time_valid;  // false: taken before the first time sync; stamped when the time is known
    int rssi;
    int64_t uptime_s;
  };
  struct InFlight {
    int message_id;
    Sample sample;
  };
  enum class Link { Waiting, Connecting, Connected };

  void sample(int64_t now);
  void begin_connect(int64_t now, int64_t utc);
  void deliver();
  void publish_status();
  /** OtaProgress: each OTA step is published at once in the retained status, and logged. */
  void report(const OtaReport& step) override;
  void handle_command(const std::string& payload);
  void answer(const std::string& request_id, const char* command, const std::string& result,
              const std::string& detail);
  void set_interval(uint32_t ms);
  int64_t uptime_s(int64_t now) const { return (now - boot_ms_) / 1000; }

  DeviceSettings settings_;
  Transport& transport_;
  Sensor& sensor_;
  Clock& clock_;
  SystemInfo& system_;
  Log& log_;
  Storage* storage_;
  OtaHandler* ota_;
  Backoff backoff_;
  OfflineBuffer<Sample> buffer_;
  std::deque<InFlight> inflight_;
  Counters counters_;
  Link link_ = Link::Waiting;
  bool started_ = false;
  bool stopping_ = false;
  bool ever_connected_ = false;
  uint32_t interval_ms_;
  int64_t boot_ms_ = 0;
  int64_t next_sample_ms_ = 0;
  int64_t next_connect_ms_ = 0;
  int64_t connect_started_ms_ = 0;
  int64_t next_heartbeat_ms_ = 0;
};

}  // namespace flux::fw
