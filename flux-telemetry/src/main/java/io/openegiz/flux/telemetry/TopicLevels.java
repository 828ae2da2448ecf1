package io.openegiz.flux.telemetry;

import java.util.regex.Pattern;

/**
 * The character set of a variable topic level (factory_id, equipment_type, equipment_id, sensor_type)
 * and of a device_id: 1 to 64 characters of {@code a-z}, {@code 0-9}, {@code -} and {@code _}.
 */
public final class TopicLevels {
  /** Longest accepted level; keeps topics short on an ESP32 and InfluxDB tag values bounded. */
  public static final int MAX_LENGTH = 64;

  /** What an error message tells the user is accepted. */
  public static final String ACCEPTED = "a level is 1 to " + MAX_LENGTH + " characters of a-z, 0-9, '-' and '_'";

  private static final Pattern LEVEL = Pattern.compile("[a-z0-9_-]{1," + MAX_LENGTH + "}");

  private TopicLevels() {
  }

  /** Whether {@code value} may stand as a variable topic level. */
  public static boolean isValid(String value) {
    return value != null && LEVEL.matcher(value).matches();
  }

  /**
   * Returns {@code value} if it may stand as the level {@code name}, else throws naming the level,
   * the value, what is wrong and what is accepted.
   */
  public static String require(String name, String value) {
    if (isValid(value)) {
      return value;
    }
    throw new InvalidTopicException(name + " " + quote(value) + ": " + problem(value) + "; " + ACCEPTED);
  }

  private static String problem(String value) {
    if (value == null) {
      return "is missing";
    }
    if (value.isEmpty()) {
      return "is empty";
    }
    // Wildcards and separators first: they change what a topic means, not only how it looks.
    for (String bad : new String[] {"+", "#", "/"}) {
      if (value.contains(bad)) {
        return "contains '" + bad + "'";
      }
    }
    if (value.startsWith("$")) {
      return "starts with '$', which MQTT reserves for broker topics";
    }
    if (value.length() > MAX_LENGTH) {
      return "is " + value.length() + " characters long";
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
        return "contains '" + c + "' at position " + (i + 1);
      }
    }
    return "is not accepted";
  }

  private static String quote(String value) {
    return value == null ? "(null)" : "\"" + value + "\"";
  }
}
