package io.openegiz.flux.archiver;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;

/**
 * The archiver's metrics of docs/metrics.md ({@code flux_archiver_*}), read from {@link ArchiverMetrics} at
 * each scrape: on the broker's registry under {@code flux up}, on its own under {@code flux archive}.
 */
public final class ArchiverCollectors {
  private ArchiverCollectors() {}

  /** Registers the archiver's metrics on {@code registry}. */
  public static void register(PrometheusRegistry registry, Archiver archiver, ArchiverConfig config) {
    ArchiverMetrics m = archiver.metrics();
    String sink = switch (config.database()) {
      case Database.Embedded e -> "questdb";
      case Database.QuestDb q -> "questdb";
      case Database.InfluxV1 i -> "influxdb1";
      case Database.InfluxV2 i -> "influxdb2";
    };
    GaugeWithCallback.builder().name("flux_archiver_info").help("always 1; where the archiver writes")
        .labelNames("sink").callback(cb -> cb.call(1, sink)).register(registry);
    gauge(registry, "flux_archiver_connected", "1 while the archiver's MQTT session is connected",
        a -> archiver.connected() ? 1 : 0, m);
    gauge(registry, "flux_archiver_sink_up", "1 when the last write to the database succeeded, 0 while it fails",
        a -> a.sinkUp() ? 1 : 0, m);
    gauge(registry, "flux_archiver_points_in_flight", "points received and not yet acknowledged",
        ArchiverMetrics::pointsInFlight, m);
    gauge(registry, "flux_archiver_points_in_flight_limit", "max_in_flight", a -> config.maxInFlight(), m);
    counter(registry, "flux_archiver_messages_received_total", "MQTT messages taken from the broker",
        ArchiverMetrics::messagesReceived, m);
    counter(registry, "flux_archiver_messages_acknowledged_total", "messages acknowledged to the broker",
        ArchiverMetrics::messagesAcked, m);
    counter(registry, "flux_archiver_messages_ignored_total", "commands and command responses, not archived",
        ArchiverMetrics::ignored, m);
    counter(registry, "flux_archiver_messages_without_timestamp_total", "messages stored at their receive time",
        ArchiverMetrics::receiveTimeUsed, m);
    counter(registry, "flux_archiver_points_written_total", "points the database acknowledged",
        ArchiverMetrics::pointsWritten, m);
    counter(registry, "flux_archiver_batches_total", "batches written", ArchiverMetrics::batches, m);
    counter(registry, "flux_archiver_write_retries_total", "write attempts that failed and were retried",
        ArchiverMetrics::retries, m);
    Consumer<CounterWithCallback.Callback> deadLetters = cb -> {
      for (ArchiverMetrics.DeadLetter r : ArchiverMetrics.DeadLetter.values()) {
        cb.call(m.deadLetters(r), r.label());
      }
    };
    CounterWithCallback.builder().name("flux_archiver_dead_letters_total").help("dead-letter records")
        .labelNames("reason").callback(deadLetters).register(registry);
    registry.register(m.batchDuration());
    GaugeWithCallback.builder().name("flux_archiver_lag_seconds")
        .help("age of the oldest message received and not yet acknowledged; 0 when none")
        .callback(cb -> cb.call(archiver.lagSeconds())).register(registry);
  }

  private static void gauge(PrometheusRegistry registry, String name, String help,
      ToLongFunction<ArchiverMetrics> value, ArchiverMetrics m) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsLong(m))).register(registry);
  }

  private static void counter(PrometheusRegistry registry, String name, String help,
      ToLongFunction<ArchiverMetrics> value, ArchiverMetrics m) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.applyAsLong(m)))
        .register(registry);
  }
}
