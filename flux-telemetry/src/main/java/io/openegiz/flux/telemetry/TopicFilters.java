package io.openegiz.flux.telemetry;

/** The subscriber topic filters of the PRD's wildcard table, named once for every module. */
public final class TopicFilters {
  /** Every OpenEgiz message; the archiver (Telegraf in the PRD) subscribes here. */
  public static final String ALL = TopicPath.ROOT + "/#";
  /** Every sensor's telemetry; EgizCore subscribes here. */
  public static final String ALL_TELEMETRY = TopicPath.ROOT + "/+/+/+/+/telemetry";
  /** Every sensor's status. */
  public static final String ALL_STATUS = TopicPath.ROOT + "/+/+/+/+/status";
  /** Electrical telemetry only; the ML service subscribes here. */
  public static final String ELECTRICAL_TELEMETRY = TopicPath.ROOT + "/+/+/+/electrical/telemetry";

  private TopicFilters() {
  }
}
