package io.openegiz.flux.broker.config;

import java.util.List;

/**
 * Per-topic rates on {@code /metrics} (FR-5.6): {@code metrics_topic_filter NAME FILTER} lines,
 * {@code metrics_topic_hierarchy} and the cap {@code metrics_topic_max_series}.
 *
 * @param filters named filters, in file order
 * @param hierarchy count by factory_id/equipment_type/sensor_type of the OpenEgiz hierarchy (default true)
 * @param maxSeries series of both families at most; the rest counts as "other" (default 512, as EMQX)
 */
public record TopicMetrics(List<Filter> filters, boolean hierarchy, int maxSeries) {
  public static final int DEFAULT_MAX_SERIES = 512;
  public static final TopicMetrics DEFAULT = new TopicMetrics(List.of(), true, DEFAULT_MAX_SERIES);

  /** One named filter; the name is the label value, never the filter. */
  public record Filter(String name, String filter) {}

  public TopicMetrics {
    filters = List.copyOf(filters);
  }
}
