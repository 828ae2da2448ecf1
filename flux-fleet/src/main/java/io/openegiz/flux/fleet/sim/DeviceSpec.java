package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.SensorDevice;

/**
 * One simulated ESP32: its place in the topic hierarchy, the thing it measures and its kind of sensor.
 *
 * @param device  device id and topic levels
 * @param thingId the digital twin's id, e.g. {@code factory:oven-001}
 * @param kind    which physics model drives it
 */
public record DeviceSpec(SensorDevice device, String thingId, SensorKind kind) {

  public String deviceId() {
    return device.deviceId();
  }
}
