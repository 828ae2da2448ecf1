package io.openegiz.flux.archiver.line;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One point of a measurement: tags (sorted by key, as InfluxDB recommends), fields of a fixed type and a timestamp
 * in milliseconds. A field value is a {@link Double} (float), a {@link Long} (integer), a {@link Boolean} or a
 * {@link String}; nothing else, so a field never changes type between points.
 *
 * @param measurement     the measurement (table), e.g. {@code electrical}
 * @param tags            tag keys to values, sorted by key; no empty value
 * @param fields          field keys to values, in the order they are written; at least one
 * @param timestampMillis Unix epoch milliseconds
 */
public record Point(String measurement, SortedMap<String, String> tags, Map<String, Object> fields,
    long timestampMillis) {

  /** Checks the types and copies the maps so that the point stays immutable. */
  public Point {
    Objects.requireNonNull(measurement, "measurement");
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(measurement + ": a point needs at least one field");
    }
    for (Map.Entry<String, String> tag : tags.entrySet()) {
      if (tag.getValue() == null || tag.getValue().isEmpty()) {
        throw new IllegalArgumentException(measurement + ": tag " + tag.getKey() + " is empty; omit it instead");
      }
    }
    for (Map.Entry<String, Object> field : fields.entrySet()) {
      Object v = field.getValue();
      if (!(v instanceof Double || v instanceof Long || v instanceof Boolean || v instanceof String)) {
        throw new IllegalArgumentException(measurement + ": field " + field.getKey() + " is a "
            + (v == null ? "null" : v.getClass().getSimpleName()) + "; accepted: Double, Long, Boolean, String");
      }
    }
    tags = Collections.unmodifiableSortedMap(new TreeMap<>(tags));
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** A builder for the point of one measurement at one time. */
  public static Builder builder(String measurement, long timestampMillis) {
    return new Builder(measurement, timestampMillis);
  }

  /** Collects tags and typed fields; {@code null} values are left out, so optional payload fields stay optional. */
  public static final class Builder {
    private final String measurement;
    private final long timestampMillis;
    private final SortedMap<String, String> tags = new TreeMap<>();
    private final Map<String, Object> fields = new LinkedHashMap<>();

    private Builder(String measurement, long timestampMillis) {
      this.measurement = measurement;
      this.timestampMillis = timestampMillis;
    }

    /** Adds every tag of {@code more}. */
    public Builder tags(Map<String, String> more) {
      more.forEach(this::tag);
      return this;
    }

    /** A tag; a {@code null} or empty value is omitted, as the line protocol asks. */
    public Builder tag(String key, String value) {
      if (value != null && !value.isEmpty()) {
        tags.put(key, value);
      }
      return this;
    }

    /** A float field: always written with a decimal point, even when the JSON said {@code 230}. */
    public Builder floatField(String key, double value) {
      fields.put(key, value);
      return this;
    }

    /** An integer field ({@code 123i}); {@code null} is omitted. */
    public Builder intField(String key, Long value) {
      if (value != null) {
        fields.put(key, value);
      }
      return this;
    }

    /** A boolean field. */
    public Builder boolField(String key, boolean value) {
      fields.put(key, value);
      return this;
    }

    /** A string field; {@code null} is omitted. */
    public Builder stringField(String key, String value) {
      if (value != null) {
        fields.put(key, value);
      }
      return this;
    }

    /** The point. */
    public Point build() {
      return new Point(measurement, tags, fields, timestampMillis);
    }
  }
}
