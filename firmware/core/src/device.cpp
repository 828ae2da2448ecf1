#include "flux/fw/device.h"

#include <cstdlib>
#include <utility>

namespace flux::fw {

namespace {
constexpr const char* kIntervalKey = "interval_ms";
constexpr uint32_t kMinIntervalMs = 100;
constexpr uint32_t kMaxIntervalMs = 60000;
}  // namespace

std::string DeviceSettings::validate() const {
  std::string errors = identity.validate();
  auto add = [&errors](const std::string& e) { errors += (errors.empty() ? "" : "\n") + e; };
  if (!is_semver(firmware_version)) add("firmware_version \"" + firmware_version + "\": not a semantic version such as 1.2.3");
  if (interval_ms < kMinIntervalMs || interval_ms > kMaxIntervalMs) {
    add("interval: " + std::to_string(interval_ms) + " ms; accepted 1 to 60 s (or a rate of at most 10 Hz)");
  }
  if (heartbeat_ms < 1000) add("heartbeat: " + std::to_string(heartbeat_ms) + " ms; accepted at least 1 s");
  if (buffer_capacity < 1 || buffer_capacity > OfflineBuffer<int>::kFirmwareCapacity) {
    add("buffer: " + std::to_string(buffer_capacity) + " messages; accepted 1 to 1000 (FR-1.7)");
  }
  // The broker closes a silent connection after 1.5 keep-alive periods: 20 s keeps that within 30 s.
  if (keep_alive_s < 1 || keep_alive_s > 20) add("keep_alive: " + std::to_string(keep_alive_s) + " s; accepted 1 to 20 s");
  if (inflight_window < 1) add("inflight_window: must be at least 1");
  return errors;
}

Device::Device(DeviceSettings settings, Transport& transport, Sensor& sensor, Clock& clock, Random& random,
               SystemInfo& system, Log& log, Storage* storage, OtaHandler* ota)
    : settings_(std::move(settings)),
      transport_(transport),
      sensor_(sensor),
      clock_(clock),
      system_(system),
      log_(log),
      storage_(storage),
      ota_(ota),
      backoff_(settings_.backoff_base_ms, settings_.backoff_cap_ms, random),
      buffer_(settings_.buffer_capacity),
      interval_ms_(settings_.interval_ms) {}

void Device::start() {
  int64_t now = clock_.monotonic_ms();
  boot_ms_ = now;
  if (storage_ != nullptr) {
    // A set_interval survives a reboot: it is configuration, not session state.
    if (auto stored = storage_->get(kIntervalKey)) {
      char* end = nullptr;
      unsigned long ms = std::strtoul(stored->c_str(), &end, 10);
      if (end != stored->c_str() && *end == '\0' && ms >= 1000 && ms <= kMaxIntervalMs) {
        interval_ms_ = static_cast<uint32_t>(ms);
        log_.info("telemetry interval " + std::to_string(ms / 1000) + " s, as set by an earlier set_interval");
      } else {
        log_.warn("ignored stored interval \"" + *stored + "\"; accepted 1000 to 60000 ms");
      }
    }
  }
  next_sample_ms_ = now;
  next_connect_ms_ = now;
  started_ = true;
}

void Device::poll() {
  if (!started_) return;
  int64_t now = clock_.monotonic_ms();
  if (!stopping_ && now >= next_sample_ms_) {
    sample(now);
    next_sample_ms_ += interval_ms_;
    // After a stall (a blocked loop) the schedule resumes instead of firing a burst of catch-up readings.
    if (next_sample_ms_ <= now) next_sample_ms_ = now + interval_ms_;
  }
  if (ota_ != nullptr) ota_->poll(now, *this);
  switch (link_) {
    case Link::Waiting:
      if (!stopping_ && now >= next_connect_ms_) {
        // FR-1.10: no connection (and so no LWT or status) without a valid UTC time to stamp them.
        if (auto utc = clock_.utc_ms()) begin_connect(now, *utc);
      }
      break;
    case Link::Connecting:
      if (now - connect_started_ms_ >= settings_.connect_timeout_ms) {
        transport_.disconnect();
        on_disconnected("no CONNACK within " + std::to_string(settings_.connect_timeout_ms / 1000) + " s");
      }
      break;
    case Link::Connected:
      if (!stopping_ && now >= next_heartbeat_ms_) {
        publish_status();
        next_heartbeat_ms_ = now + settings_.heartbeat_ms;
      }
      deliver();
      break;
  }
}

void Device::sample(int64_t now) {
  Measurements m;
  std::string error;
  if (!sensor_.read(interval_ms_ / 1000.0, m, error)) {
    ++counters_.sensor_errors;
    log_.warn("sensor read failed: " + error);
    return;
  }
  error = check_measurements(m);
  if (!error.empty()) {
    ++counters_.invalid_readings;
    log_.warn("reading not published, outside the schema: " + error);
    return;
  }
  ++counters_.sampled;
  std::optional<int64_t> utc = clock_.utc_ms();
  // Always through the buffer: older readings go first, and deliver() sends them while connected.
  buffer_.push_back(Sample{m, now, utc.value_or(0), utc.has_value(), system_.rssi(), uptime_s(now)});
  if (link_ == Link::Connected) deliver();
}

void Device::begin_connect(int64_t now, int64_t utc) {
  ++counters_.connect_attempts;
  const DeviceIdentity& id = settings_.identity;
  ConnectRequest request{id.device_id, settings_.keep_alive_s, true, id.status_topic(),
                         offline_status_json(id.device_id, utc), 2, true};
  link_ = Link::Connecting;
  connect_started_ms_ = now;
  if (!transport_.connect(request)) {
    on_disconnected("the connection could not be started");
  }
}

void Device::on_connected() {
  if (link_ != Link::Connecting) return;
  link_ = Link::Connected;
  if (ever_connected_) ++counters_.mqtt_reconnects;
  ever_connected_ = true;
  backoff_.reset();
  if (stopping_) return;
  log_.info("connected" + (counters_.mqtt_reconnects > 0 ? " (reconnect " + std::to_string(counters_.mqtt_reconnects) + ")" : std::string()) +
            "; " + std::to_string(buffer_.size()) + " buffered readings to deliver, " +
            std::to_string(buffer_.dropped()) + " dropped so far");
  transport_.subscribe(settings_.identity.command_topic(), 1);
  publish_status();
  next_heartbeat_ms_ = clock_.monotonic_ms() + settings_.heartbeat_ms;
  deliver();
}

void Device::on_disconnected(const std::string& reason) {
  int64_t now = clock_.monotonic_ms();
  if (link_ == Link::Connected) {
    // What was sent but not acknowledged goes back, oldest first, ahead of what was buffered since.
    for (auto it = inflight_.rbegin(); it != inflight_.rend(); ++it) {
      buffer_.push_front(it->sample);
      ++counters_.requeued;
    }
    inflight_.clear();
    log_.warn("connection lost: " + reason);
  } else if (link_ == Link::Connecting) {
    ++counters_.connect_failures;
    log_.warn("connection failed: " + reason);
  }
  link_ = Link::Waiting;
  if (stopping_) return;
  uint32_t delay = backoff_.next_delay_ms();
  next_connect_ms_ = now + delay;
  log_.info("next attempt in " + std::to_string(delay) + " ms; " + std::to_string(buffer_.size()) + " readings buffered");
}

void Device::deliver() {
  const DeviceIdentity& id = settings_.identity;
  while (link_ == Link::Connected && !buffer_.empty() && inflight_.size() < settings_.inflight_window) {
    Sample& s = buffer_.front();
    if (!s.time_valid) {
      std::optional<int64_t> utc = clock_.utc_ms();
      if (!utc) break;  // never stamped 1970: it waits for the first time sync
      // Taken before the sync: its UTC time is now minus how long ago it was taken, on the monotonic clock.
      s.utc_ms = *utc - (clock_.monotonic_ms() - s.monotonic_ms);
      s.time_valid = true;
    }
    std::string json = telemetry_json(id, s.utc_ms, s.measurements, Metadata{settings_.firmware_version, s.rssi, s.uptime_s});
    int mid = transport_.publish(id.telemetry_topic(), json, 1, false);
    if (mid < 0) break;  // the client refuses more now; the reading stays first in line
    ++counters_.published;
    inflight_.push_back(InFlight{mid, s});
    buffer_.pop_front();
  }
}

void Device::on_published(int message_id) {
  for (auto it = inflight_.begin(); it != inflight_.end(); ++it) {
    if (it->message_id == message_id) {
      inflight_.erase(it);
      ++counters_.acked;
      // FR-1.8: a reading acknowledged after a reconnect is what keeps an image on trial.
      if (ota_ != nullptr) ota_->on_delivered(*this);
      deliver();
      return;
    }
  }
}

void Device::publish_status() {
  std::optional<int64_t> utc = clock_.utc_ms();
  if (!utc) return;
  int64_t now = clock_.monotonic_ms();
  Diagnostics d{system_.free_heap(), system_.wifi_reconnects(), static_cast<uint32_t>(counters_.mqtt_reconnects),
                uptime_s(now), settings_.firmware_version};
  // FR-1.5: status at QoS 2, retained, so a late subscriber sees the current state at once.
  transport_.publish(settings_.identity.status_topic(),
                     online_status_json(settings_.identity.device_id, *utc, d,
                                        ota_ == nullptr ? nullptr : ota_->last_report()),
                     2, true);
}

void Device::report(const OtaReport& step) {
  log_.info("OTA " + step.version + " (" + step.request_id + "): " + step.state + ": " + step.detail);
  if (link_ == Link::Connected) publish_status();
}

int Device::stop() {
  stopping_ = true;
  if (link_ != Link::Connected) return -1;
  std::optional<int64_t> utc = clock_.utc_ms();
  if (!utc) return -1;
  return transport_.publish(settings_.identity.status_topic(), offline_status_json(settings_.identity.device_id, *utc),
                            2, true);
}

void Device::on_message(const std::string& topic, const std::string& payload) {
  if (topic != settings_.identity.command_topic()) return;
  handle_command(payload);
}

void Device::handle_command(const std::string& payload) {
  Command command;
  std::string error;
  if (!parse_command(payload, command, error)) {
    // Without a valid request_id nobody could match an answer, so an invalid command is only logged.
    ++counters_.commands_rejected;
    log_.warn("ignored an invalid command on " + settings_.identity.command_topic() + ": " + error);
    return;
  }
  ++counters_.commands;
  if (auto* set = std::get_if<SetIntervalCommand>(&command)) {
    set_interval(static_cast<uint32_t>(set->interval_seconds) * 1000);
    log_.info("telemetry interval set to " + std::to_string(set->interval_seconds) + " s (" + set->request_id + ")");
    answer(set->request_id, "set_interval", "applied",
           "telemetry interval is now " + std::to_string(set->interval_seconds) + " s");
    return;
  }
  const auto& ota = std::get<OtaCommand>(command);
  if (!ota.device_id.empty() && ota.device_id != settings_.identity.device_id) {
    log_.info("OTA " + ota.request_id + " is addressed to " + ota.device_id + ", not to this device: ignored");
    return;
  }
  log_.info("OTA to " + ota.version + " from " + ota.url + " requested (" + ota.request_id + ")");
  if (ota_ == nullptr) {
    answer(ota.request_id, "ota", "not_supported",
           "this firmware build has no OTA support; " + ota.version + " not installed, firmware unchanged");
    return;
  }
  OtaOutcome outcome = ota_->handle(ota, *this);
  answer(ota.request_id, "ota", outcome.result, outcome.detail);
}

void Device::set_interval(uint32_t ms) {
  interval_ms_ = ms;
  // The next reading comes one new interval from now, as in flux fleet.
  next_sample_ms_ = clock_.monotonic_ms() + ms;
  if (storage_ != nullptr && !storage_->put(kIntervalKey, std::to_string(ms))) {
    log_.warn("could not store the new interval; it is lost at the next reboot");
  }
}

void Device::answer(const std::string& request_id, const char* command, const std::string& result,
                    const std::string& detail) {
  std::optional<int64_t> utc = clock_.utc_ms();
  if (!utc || link_ != Link::Connected) return;
  transport_.publish(settings_.identity.response_topic(),
                     command_ack_json(settings_.identity.device_id, request_id, command, result, detail, *utc), 1,
                     false);
}

size_t Device::unstamped() const {
  size_t n = 0;
  for (size_t i = 0; i < buffer_.size(); ++i) n += buffer_.at(i).time_valid ? 0 : 1;
  return n;
}

}  // namespace flux::fw
