package io.openegiz.flux.archiver.sink;

import io.openegiz.flux.archiver.mapping.PayloadMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The QuestDB tables of the measurements {@link PayloadMapper} makes, declared before the first write so that
 * every column has its documented type (tags {@code SYMBOL}, floats {@code DOUBLE} even when the JSON said
 * {@code 230}, counters {@code LONG}) and a redelivered point replaces itself: {@code DEDUP UPSERT KEYS} on the
 * timestamp and every tag, which is what identifies a point in InfluxDB too. With retention, raw partitions are
 * dropped after {@code raw} (TTL), and a materialized view per table holds mean, min and max of every numeric
 * field per {@code interval}, with a TTL of its own (docs/archive.md).
 */
public final class QuestDbTables {
  private static final List<String> TOPIC_TAGS = List.of("factory_id", "equipment_type", "equipment_id",
      "sensor_type");
  private static final List<String> TELEMETRY_TAGS = Stream.concat(TOPIC_TAGS.stream(),
      Stream.of("device_id", "thing_id")).toList();

  /** One table: its tag columns and its field columns with their QuestDB types, in order. */
  record Table(String name, List<String> tags, Map<String, String> fields) {
    List<String> numericFields() {
      return fields.entrySet().stream().filter(f -> f.getValue().equals("DOUBLE") || f.getValue().equals("LONG"))
          .map(Map.Entry::getKey).toList();
    }
  }

  /** The tables, as PayloadMapper fills them (a test keeps the two in step). */
  static final List<Table> TABLES = List.of(
      new Table("electrical", TELEMETRY_TAGS, columns("voltage_a DOUBLE", "voltage_b DOUBLE", "voltage_c DOUBLE",
          "current_a DOUBLE", "current_b DOUBLE", "current_c DOUBLE", "power_factor DOUBLE",
          "active_power_total DOUBLE", "energy_total DOUBLE", "frequency DOUBLE", "rssi LONG", "uptime_seconds LONG",
          "firmware_version VARCHAR")),
      new Table("thermal", Stream.concat(TELEMETRY_TAGS.stream(), Stream.of("zone")).toList(), columns(
          "setpoint DOUBLE", "heating_active BOOLEAN", "temperature DOUBLE", "rssi LONG", "uptime_seconds LONG",
          "firmware_version VARCHAR")),
      new Table("environmental", TELEMETRY_TAGS, columns("ambient_temperature DOUBLE", "humidity DOUBLE",
          "pressure DOUBLE", "co2 DOUBLE", "rssi LONG", "uptime_seconds LONG", "firmware_version VARCHAR")),
      new Table(PayloadMapper.DEVICE_STATUS, Stream.concat(TOPIC_TAGS.stream(), Stream.of("device_id")).toList(),
          columns("status VARCHAR", "free_heap LONG", "wifi_reconnects LONG", "mqtt_reconnects LONG",
              "uptime_seconds LONG", "firmware_version VARCHAR")));

  private QuestDbTables() {
  }

  private static Map<String, String> columns(String... nameAndType) {
    Map<String, String> columns = new LinkedHashMap<>();
    for (String column : nameAndType) {
      String[] parts = column.split(" ");
      columns.put(parts[0], parts[1]);
    }
    return columns;
  }

  /**
   * The statements that create the tables and views, or bring existing ones to the settings; all can run again.
   *
   * @param retention TTLs and the aggregation interval, or {@code null} for tables without TTL nor views
   */
  public static List<String> statements(Retention retention) {
    List<String> statements = new ArrayList<>();
    for (Table table : TABLES) {
      statements.add(createTable(table, retention));
      // A table made before (by an older archiver, or by a write that came first) gets the same keys and TTL.
      statements.add("ALTER TABLE " + table.name() + " DEDUP ENABLE UPSERT KEYS(" + keys(table) + ")");
      if (retention != null) {
        statements.add("ALTER TABLE " + table.name() + " SET TTL " + ttl(retention.raw()));
        statements.add(createView(table, retention));
        statements.add("ALTER MATERIALIZED VIEW " + view(table.name(), retention) + " SET TTL "
            + ttl(retention.aggregated()));
      }
    }
    return statements;
  }

  /** The view that aggregates {@code table}, e.g. {@code electrical_1m}. */
  public static String view(String table, Retention retention) {
    return table + "_" + sampleBy(retention.interval());
  }

  private static String createTable(Table table, Retention retention) {
    String columns = Stream.concat(Stream.concat(Stream.of("timestamp TIMESTAMP"),
        table.tags().stream().map(t -> t + " SYMBOL")),
        table.fields().entrySet().stream().map(f -> f.getKey() + " " + f.getValue()))
        .collect(Collectors.joining(", "));
    return "CREATE TABLE IF NOT EXISTS " + table.name() + " (" + columns + ") TIMESTAMP(timestamp) PARTITION BY DAY"
        + (retention == null ? "" : " TTL " + ttl(retention.raw())) + " WAL DEDUP UPSERT KEYS(" + keys(table) + ")";
  }

  private static String createView(Table table, Retention retention) {
    StringBuilder select = new StringBuilder("SELECT timestamp");
    table.tags().forEach(t -> select.append(", ").append(t));
    for (String f : table.numericFields()) {
      select.append(", avg(").append(f).append(") mean_").append(f).append(", min(").append(f).append(") min_")
          .append(f).append(", max(").append(f).append(") max_").append(f);
    }
    select.append(" FROM ").append(table.name()).append(" SAMPLE BY ").append(sampleBy(retention.interval()));
    return "CREATE MATERIALIZED VIEW IF NOT EXISTS " + view(table.name(), retention) + " AS (" + select
        + ") PARTITION BY DAY TTL " + ttl(retention.aggregated());
  }

  private static String keys(Table table) {
    return "timestamp, " + String.join(", ", table.tags());
  }

  /** A TTL in whole hours or days (QuestDB's units), rounded up to the hour. */
  static String ttl(Duration d) {
    long hours = (d.toMinutes() + 59) / 60;
    return hours % 24 == 0 ? hours / 24 + " DAYS" : hours + " HOURS";
  }

  /** A SAMPLE BY interval in the largest whole unit: {@code 1m}, {@code 30s}, {@code 1h}, {@code 500T}. */
  static String sampleBy(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "T";
  }
}
