package io.openegiz.flux.broker.status;

import java.util.Map;

/** Writes the status snapshot's JSON: objects, strings (escaped), numbers, booleans and nulls. */
final class JsonText {
  private final StringBuilder out;
  private boolean first = true;

  JsonText(int capacity) {
    out = new StringBuilder(capacity);
  }

  JsonText open() {
    comma();
    out.append('{');
    first = true;
    return this;
  }

  JsonText open(String name) {
    name(name);
    out.append('{');
    first = true;
    return this;
  }

  JsonText array(String name) {
    name(name);
    out.append('[');
    first = true;
    return this;
  }

  JsonText close() {
    out.append('}');
    first = false;
    return this;
  }

  JsonText closeArray() {
    out.append(']');
    first = false;
    return this;
  }

  JsonText field(String name, String value) {
    name(name);
    if (value == null) {
      out.append("null");
    } else {
      string(value);
    }
    return this;
  }

  JsonText field(String name, long value) {
    name(name);
    out.append(value);
    return this;
  }

  /** A rate, with two decimals. */
  JsonText field(String name, double value) {
    name(name);
    out.append(Math.round(value * 100) / 100.0);
    return this;
  }

  JsonText field(String name, boolean value) {
    name(name);
    out.append(value);
    return this;
  }

  /** A field whose value is a number, boolean, string or null (anything else is written as a string). */
  JsonText value(String name, Object value) {
    if (value == null) {
      return field(name, (String) null);
    } else if (value instanceof Double || value instanceof Float) {
      return field(name, ((Number) value).doubleValue());
    } else if (value instanceof Number n) {
      return field(name, n.longValue());
    } else if (value instanceof Boolean b) {
      return field(name, b.booleanValue());
    }
    return field(name, value.toString());
  }

  /** An object of the given fields, in the map's order. */
  JsonText object(String name, Map<String, ?> fields) {
    open(name);
    fields.forEach(this::value);
    return close();
  }

  private void name(String name) {
    comma();
    string(name);
    out.append(':');
  }

  private void comma() {
    if (!first) {
      out.append(',');
    }
    first = false;
  }

  private void string(String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || c == '<' || c == '>' || c == '&') {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
