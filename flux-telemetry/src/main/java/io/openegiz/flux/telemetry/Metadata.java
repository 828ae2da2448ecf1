package io.openegiz.flux.telemetry;

/**
 * About the device that took a telemetry reading.
 *
 * @param firmwareVersion semantic version of the firmware, e.g. {@code 1.2.3}
 * @param rssi            WiFi signal strength in dBm, -127..0
 * @param uptimeSeconds   seconds since boot, or {@code null} when the device does not send it
 */
public record Metadata(String firmwareVersion, int rssi, Long uptimeSeconds) {

  /** Metadata without uptime, as the PRD's thermal and environmental examples send it. */
  public Metadata(String firmwareVersion, int rssi) {
    this(firmwareVersion, rssi, null);
  }
}
