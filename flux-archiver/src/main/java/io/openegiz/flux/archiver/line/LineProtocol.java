package io.openegiz.flux.archiver.line;

import java.util.Map;

/**
 * Writes points as InfluxDB line protocol with millisecond timestamps ({@code precision=ms}), escaping as the
 * protocol requires: measurement names escape comma and space; tag keys, tag values and field keys escape comma,
 * equals sign and space; string field values escape double quote and backslash. A newline cannot be escaped
 * anywhere, so a value holding one is refused.
 */
public final class LineProtocol {

  private LineProtocol() {
  }

  /** One line, without its terminating newline. */
  public static String line(Point point) {
    StringBuilder out = new StringBuilder(256);
    append(out, point);
    return out.toString();
  }

  /** Appends one line, without its terminating newline. */
  public static void append(StringBuilder out, Point point) {
    escape(out, point.measurement(), false, "measurement");
    for (Map.Entry<String, String> tag : point.tags().entrySet()) {
      out.append(',');
      escape(out, tag.getKey(), true, "tag key");
      out.append('=');
      escape(out, tag.getValue(), true, "tag value");
    }
    char separator = ' ';
    for (Map.Entry<String, Object> field : point.fields().entrySet()) {
      out.append(separator);
      separator = ',';
      escape(out, field.getKey(), true, "field key");
      out.append('=');
      value(out, field.getKey(), field.getValue());
    }
    out.append(' ').append(point.timestampMillis());
  }

  private static void value(StringBuilder out, String key, Object value) {
    switch (value) {
      case Double d -> {
        if (d.isNaN() || d.isInfinite()) {
          throw new IllegalArgumentException(
              "field " + key + " is " + d + "; the line protocol has no NaN or Infinity");
        }
        // Double.toString always has a '.' or an exponent, so 230 is written 230.0 and stays a float.
        out.append(d.doubleValue());
      }
      case Long l -> out.append(l.longValue()).append('i');
      case Boolean b -> out.append(b.booleanValue());
      case String s -> {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
          char c = s.charAt(i);
          if (isNewline(c)) {
            throw lineBreak("field " + key);
          }
          if (c == '"' || c == '\\') {
            out.append('\\');
          }
          out.append(c);
        }
        out.append('"');
      }
      default -> throw new IllegalArgumentException("field " + key + " has an unsupported type " + value.getClass());
    }
  }

  private static void escape(StringBuilder out, String text, boolean equalsToo, String what) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (isNewline(c)) { // the message only when it is needed: this runs for every character written
        throw lineBreak(what + " \"" + text.replace("\n", "\\n").replace("\r", "\\r") + "\"");
      }
      if (c == ',' || c == ' ' || (equalsToo && c == '=')) {
        out.append('\\');
      }
      out.append(c);
    }
    if (text.charAt(text.length() - 1) == '\\') {
      // A trailing backslash would escape the separator that follows; InfluxDB cannot read it back.
      throw new IllegalArgumentException(what + " \"" + text + "\" ends with a backslash");
    }
  }

  private static boolean isNewline(char c) {
    return c == '\n' || c == '\r';
  }

  private static IllegalArgumentException lineBreak(String what) {
    return new IllegalArgumentException(what + " contains a line break, which the line protocol cannot carry");
  }
}
