package io.openegiz.flux.broker.config;

/**
 * Limits applied to one client, with the spec's values as defaults: 100 messages per second (SEC-5),
 * 100 in flight (FR-2.6), 256 KB messages (FR-2.7).
 *
 * @param maxPublishRate PUBLISH packets per second the client may send; 0 means no limit
 * @param publishBurst how many may come at once above the rate (the bucket size)
 * @param maxInflightMessages receive maximum both ways
 * @param messageSizeLimit largest payload accepted from the client
 */
public record ClientLimits(int maxPublishRate, int publishBurst, int maxInflightMessages, int messageSizeLimit) {

  public static final int DEFAULT_MAX_PUBLISH_RATE = 100;

  /** A partial set of limits: null fields keep the value they override. */
  public record Override(Integer maxPublishRate, Integer publishBurst, Integer maxInflightMessages,
      Integer messageSizeLimit) {}

  public ClientLimits with(Override o) {
    int rate = o.maxPublishRate() != null ? o.maxPublishRate() : maxPublishRate;
    // A raised rate without its own burst keeps one second of burst at the new rate.
    int burst = o.publishBurst() != null
        ? o.publishBurst()
        : o.maxPublishRate() != null ? Math.max(publishBurst, rate) : publishBurst;
    return new ClientLimits(rate, burst,
        o.maxInflightMessages() != null ? o.maxInflightMessages() : maxInflightMessages,
        o.messageSizeLimit() != null ? o.messageSizeLimit() : messageSizeLimit);
  }
}
