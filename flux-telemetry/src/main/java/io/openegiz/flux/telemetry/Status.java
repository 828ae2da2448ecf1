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
 * @param ota         the last step of a signed firmware update, or {@code null} (docs/ota.md)
 */
public record Status(String deviceId, State status, Instant timestamp, Diagnostics diagnostics, Ota ota) {

  /** A status without OTA progress. */
  public Status(String deviceId, State status, Instant timestamp, Diagnostics diagnostics) {
    this(deviceId, status, timestamp, diagnostics, null);
  }

  /** An offline status without diagnostics, as a device sets it for its LWT. */
  public static Status offline(String deviceId, Instant timestamp) {
    return new Status(deviceId, State.OFFLINE, timestamp, null, null);
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

  /**
   * The last step of a signed firmware update, as the device reports it.
   *
   * @param requestId the {@code ota} command's request id
   * @param state     the step
   * @param version   the version being installed, or rolled back from
   * @param detail    one sentence; for {@code refused}, the verdict and what was wrong
   */
  public record Ota(String requestId, State state, String version, String detail) {

    /** The steps of an update (docs/ota.md, "What a device does"). */
    public enum State {
      /** The manifest verified; the image is being downloaded into the inactive slot. */
      @JsonProperty("downloading")
      DOWNLOADING,
      /** The image was checked and written; the device reboots into it. */
      @JsonProperty("installed")
      INSTALLED,
      /** The new image runs on trial. */
      @JsonProperty("booted")
      BOOTED,
      /** The new image reconnected and published after its boot: it is kept. */
      @JsonProperty("confirmed")
      CONFIRMED,
      /** The update was refused (signature, model, version, size or hash). */
      @JsonProperty("refused")
      REFUSED,
      /** The download or the write failed; the running image is unchanged. */
      @JsonProperty("failed")
      FAILED,
      /** The new image did not publish after its boot: the old one runs again. */
      @JsonProperty("rolled_back")
      ROLLED_BACK;

      /** Whether the update has ended in this state (nothing more follows without a new command). */
      public boolean terminal() {
        return this == CONFIRMED || this == REFUSED || this == FAILED || this == ROLLED_BACK;
      }
    }
  }
}
