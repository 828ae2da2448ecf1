package io.openegiz.flux.telemetry;

import java.time.Instant;

/** A telemetry message of any sensor type; the fields every telemetry payload has. */
public sealed interface Telemetry permits ElectricalTelemetry, ThermalTelemetry, EnvironmentalTelemetry {

  /** The device's MQTT identity, e.g. {@code esp32-oven001-elec}. */
  String deviceId();

  /** The digital twin this reading belongs to, e.g. {@code factory:oven-001}. */
  String thingId();

  /** When the reading was taken (device clock, NTP-synchronised), written in UTC with milliseconds. */
  Instant timestamp();

  /** Which telemetry schema the message follows. */
  SensorType sensorType();

  /** About the device that took the reading. */
  Metadata metadata();
}
