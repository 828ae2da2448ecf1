package io.openegiz.flux.telemetry;

import com.fasterxml.jackson.annotation.JsonValue;

/** The payload's {@code sensor_type}: which telemetry schema a message follows. */
public enum SensorType {
  /** Voltage, current, power, energy and frequency of a piece of equipment. */
  ELECTRICAL("electrical", PayloadType.ELECTRICAL_TELEMETRY),
  /** Zone temperatures, setpoint and heating state. */
  THERMAL("thermal", PayloadType.THERMAL_TELEMETRY),
  /** Ambient temperature, humidity, pressure and CO2 of a factory zone. */
  ENVIRONMENTAL("environmental", PayloadType.ENVIRONMENTAL_TELEMETRY);

  private final String value;
  private final PayloadType payloadType;

  SensorType(String value, PayloadType payloadType) {
    this.value = value;
    this.payloadType = payloadType;
  }

  /** The value as written in the payload, e.g. {@code electrical}. */
  @JsonValue
  public String value() {
    return value;
  }

  /** The schema of telemetry of this sensor type. */
  public PayloadType payloadType() {
    return payloadType;
  }

  /** The sensor type written as {@code value}, or {@code null} if there is none. */
  static SensorType of(String value) {
    for (SensorType type : values()) {
      if (type.value.equals(value)) {
        return type;
      }
    }
    return null;
  }
}
