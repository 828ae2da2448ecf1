package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.archiver.sink.Retention;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.fleet.sim.Fleet;
import io.openegiz.flux.fleet.sim.FleetConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * NFR-7 on a real influxd: the archiver makes a 90-day default policy, a one-year policy and a continuous query
 * of 1-minute mean/min/max; the query's SELECT, run at once over the fleet's points, fills the one-year policy.
 * (A continuous query itself fires only at the end of each minute, too slow for a test; its text is the same.)
 */
class RetentionIT {
  private static final String DB = "kept";

  @TempDir
  Path tmp;

  @Test
  void policiesAndTheAggregateQueryAreCreatedAndTheAggregatesHoldEveryTag() throws Exception {
    FluxBroker broker = ArchiverIT.plainBroker();
    Files.createDirectories(tmp.resolve("influx"));
    try (InfluxD influx = new InfluxD(tmp.resolve("influx"))) {
      List<Setting> settings = new ArrayList<>(ArchiverIT.settings(broker.port(), influx, DB, tmp.resolve("dl")));
      settings.add(new Setting("test", "retention", "on"));
      try (Archiver archiver = Archiver.start(ArchiverConfig.parse(settings))) {
        await().atMost(ArchiverIT.WAIT).until(archiver::subscribed);
        assertThat(policies(influx)).containsExactlyInAnyOrderEntriesOf(Map.of(Retention.RAW, "2160h0m0s default",
            Retention.AGGREGATED, "8760h0m0s"));
        JsonNode query = influx.series(DB, "SHOW CONTINUOUS QUERIES").path("values").path(0);
        assertThat(query.path(0).asString()).isEqualTo(Retention.QUERY);
        assertThat(query.path(1).asString()).contains("mean(*), min(*), max(*)", "INTO kept.aggregated.:MEASUREMENT",
            "FROM kept.raw./.*/", "GROUP BY time(1m), *");

        FleetConfig fleet = ArchiverIT.fleet(broker.port(), 3, "electrical=1,thermal=1,environmental=1", 11);
        try (Fleet ignored = Fleet.start(fleet)) {
          await().atMost(ArchiverIT.WAIT).until(() -> archiver.metrics().pointsWritten() >= 60);
        }
      }
      assertThat(influx.rows(DB, "SELECT count(rssi) FROM \"raw\".electrical").getFirst().path(1).asLong())
          .isPositive();

      String select = Retention.defaults().aggregation(DB, "\"raw\"", "\"aggregated\"")
          .replace(" GROUP BY", " WHERE time > now() - 1h GROUP BY");
      assertThat(influx.query(DB, select).path("results").path(0).has("error")).isFalse();
      JsonNode electrical = influx.series(DB, "SELECT * FROM \"aggregated\".electrical");
      List<String> columns = new ArrayList<>();
      electrical.path("columns").forEach(c -> columns.add(c.asString()));
      assertThat(columns).contains("mean_voltage_a", "min_voltage_a", "max_voltage_a", "mean_rssi", "device_id",
          "thing_id", "factory_id", "equipment_type", "equipment_id", "sensor_type");
      JsonNode row = electrical.path("values").path(0);
      double mean = row.path(columns.indexOf("mean_voltage_a")).asDouble();
      assertThat(mean).isBetween(row.path(columns.indexOf("min_voltage_a")).asDouble(),
          row.path(columns.indexOf("max_voltage_a")).asDouble());
      assertThat(influx.rows(DB, "SELECT mean_temperature FROM \"aggregated\".thermal WHERE zone = '1'")).isNotEmpty();

      // A second start with another duration brings the existing policy to it.
      settings.add(new Setting("test", "retention_raw", "30d"));
      try (Archiver again = Archiver.start(ArchiverConfig.parse(settings))) {
        assertThat(policies(influx)).containsEntry(Retention.RAW, "720h0m0s default");
      }
    } finally {
      broker.close();
    }
  }

  private static Map<String, String> policies(InfluxD influx) throws Exception {
    Map<String, String> policies = new TreeMap<>();
    for (JsonNode row : influx.rows(DB, "SHOW RETENTION POLICIES ON " + DB)) {
      if (!row.path(0).asString().equals("autogen")) {
        policies.put(row.path(0).asString(), row.path(1).asString() + (row.path(4).asBoolean() ? " default" : ""));
      }
    }
    return policies;
  }
}
