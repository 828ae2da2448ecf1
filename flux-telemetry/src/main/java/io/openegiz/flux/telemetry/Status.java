package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;

/**
 * A sensor device's status, retained on its status topic and also set as its LWT.
 * Schema: {@code schemas/status.schema.json}.
 *
 * @param deviceId    the device's MQTT identity
 * @param status      online or offline
 * @param timestamp   when the status was written; for an LWT, when it was set at connect time
 * @param diagnostics device health; required when online, may be {@code null} when offline
 */
public record Status(String deviceId, State status, Instant timestamp, Diagnostics diagnostics) {

  /** An offline status without diagnostics, as a device sets it for its LWT. */
  public static Status offline(String deviceId, Instant timestamp) {
    return new Status(deviceId, State.OFFLINE, timestamp, null);
  }

  /** Online or offline. */
  public enum State {
    /** The device is connected and publishing. */
    @JsonProperty("online")
    ONLINE,
    /** The device disconnected, cleanly or (through its LWT) not. */
    @JsonProperty("offline")
    OFFLINE
  }

  /**
   * Device health counters.
   *
   * @param freeHeap        free heap in bytes
   * @param wifiReconnects  WiFi reconnections since boot
   * @param mqttReconnects  MQTT reconnections since boot
   * @param uptimeSeconds   seconds since boot
   * @param firmwareVersion semantic version of the firmware
   */
  public record Diagnostics(long freeHeap, long wifiReconnects, long mqttReconnects, long uptimeSeconds,
      String firmwareVersion) {
  }
}
