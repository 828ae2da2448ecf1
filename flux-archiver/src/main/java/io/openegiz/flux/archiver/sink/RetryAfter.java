package io.openegiz.flux.archiver.sink;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Reads an HTTP {@code Retry-After} header: delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
final class RetryAfter {
  /** The longest wait a server can ask for; beyond it we use our own backoff cap anyway. */
  static final Duration MAX = Duration.ofMinutes(10);

  private RetryAfter() {
  }

  /** The delay the header asks for, at most {@link #MAX}, or {@code null} when absent or unreadable. */
  static Duration parse(String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    String value = header.strip();
    try {
      long seconds = Long.parseLong(value);
      return seconds < 0 ? null : min(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        Duration until = Duration.between(ZonedDateTime.now(), ZonedDateTime.parse(value,
            DateTimeFormatter.RFC_1123_DATE_TIME));
        return until.isNegative() ? Duration.ZERO : min(until);
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }

  private static Duration min(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
