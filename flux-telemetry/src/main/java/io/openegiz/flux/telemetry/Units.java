package io.openegiz.flux.telemetry;

/** The unit strings of the payloads, spelt exactly as the schemas require them. */
public final class Units {
  /** Volt. */
  public static final String VOLT = "V";
  /** Ampere. */
  public static final String AMPERE = "A";
  /** Kilowatt. */
  public static final String KILOWATT = "kW";
  /** Kilowatt-hour. */
  public static final String KILOWATT_HOUR = "kWh";
  /** Degree Celsius; ASCII "C" rather than "°C" so that every device can spell it. */
  public static final String CELSIUS = "C";
  /** Percent relative humidity. */
  public static final String RELATIVE_HUMIDITY = "%RH";
  /** Hectopascal. */
  public static final String HECTOPASCAL = "hPa";
  /** Parts per million. */
  public static final String PPM = "ppm";

  private Units() {
  }
}
