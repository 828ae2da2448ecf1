package io.openegiz.flux.archiver.sink;

import java.time.Duration;
import java.util.List;

/**
 * NFR-7 on InfluxDB 1.x: raw points kept for {@code raw} in the default retention policy {@value #RAW}, and
 * {@code interval} aggregates (mean, min and max of every numeric field, every tag kept) kept for
 * {@code aggregated} in {@value #AGGREGATED}, filled by a continuous query. The statements are idempotent: run at
 * every start, they also bring durations changed in the config to an existing database.
 *
 * @param raw        how long raw points are kept, at least an hour
 * @param aggregated how long aggregates are kept, at least an hour
 * @param interval   the aggregation interval
 */
public record Retention(Duration raw, Duration aggregated, Duration interval) {
  /** The retention policy of raw points, made the database's default. */
  public static final String RAW = "raw";
  /** The retention policy of the aggregates. */
  public static final String AGGREGATED = "aggregated";
  /** The continuous query that fills {@link #AGGREGATED}. */
  public static final String QUERY = "flux_aggregate";

  /** The spec's numbers: 90 days raw, a year of 1-minute aggregates. */
  public static Retention defaults() {
    return new Retention(Duration.ofDays(90), Duration.ofDays(365), Duration.ofMinutes(1));
  }

  /**
   * The InfluxQL statements, in order.
   *
   * @param db      database
   * @param writeRp the policy the archiver writes to, or {@code null} for {@link #RAW}
   */
  public List<String> statements(String db, String writeRp) {
    String on = " ON " + InfluxV1Sink.quoteIdentifier(db);
    String raw = InfluxV1Sink.quoteIdentifier(RAW);
    String agg = InfluxV1Sink.quoteIdentifier(AGGREGATED);
    String source = InfluxV1Sink.quoteIdentifier(writeRp == null ? RAW : writeRp);
    return List.of(
        "CREATE RETENTION POLICY " + raw + on + " DURATION " + influx(this.raw) + " REPLICATION 1 DEFAULT",
        "ALTER RETENTION POLICY " + raw + on + " DURATION " + influx(this.raw) + " DEFAULT",
        "CREATE RETENTION POLICY " + agg + on + " DURATION " + influx(aggregated) + " REPLICATION 1",
        "ALTER RETENTION POLICY " + agg + on + " DURATION " + influx(aggregated),
        "CREATE CONTINUOUS QUERY " + InfluxV1Sink.quoteIdentifier(QUERY) + on + " BEGIN " + aggregation(db, source,
            agg) + " END");
  }

  /** The SELECT of the continuous query; also what a back-fill runs with a {@code WHERE time} range. */
  public String aggregation(String db, String quotedSource, String quotedTarget) {
    String quotedDb = InfluxV1Sink.quoteIdentifier(db);
    return "SELECT mean(*), min(*), max(*) INTO " + quotedDb + "." + quotedTarget + ".:MEASUREMENT FROM "
        + quotedDb + "." + quotedSource + "./.*/ GROUP BY time(" + influx(interval) + "), *";
  }

  /** A duration as InfluxQL writes it, in the largest whole unit. */
  static String influx(Duration d) {
    long seconds = d.toSeconds();
    if (seconds % 3600 == 0) {
      return seconds / 3600 + "h";
    }
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }
}
