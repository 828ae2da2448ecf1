package io.openegiz.flux.broker.config;

/**
 * Limits applied to one client, with the spec's values as defaults: 100 messages per second (SEC-5),
 * 100 in flight (FR-2.6), 256 KB messages (FR-2.7); and the quotas that stop one identity from
 * growing the broker without bound (issue 8, item 3). A quota of 0 means no limit.
 *
 * @param maxPublishRate PUBLISH packets per second the identity may send; 0 means no limit
 * @param publishBurst how many may come at once above the rate (the bucket size)
 * @param maxInflightMessages receive maximum both ways
 * @param messageSizeLimit largest payload accepted from the client
 * @param maxSubscriptions subscriptions one session may hold (max_subscriptions_per_session)
 * @param maxPersistentSessions persistent sessions one identity may hold (max_persistent_sessions_per_identity)
 * @param maxRetainedMessages retained messages one identity may have set (max_retained_messages_per_identity)
 * @param maxRetainedBytes bytes of the retained messages one identity has set (max_retained_bytes_per_identity)
 */
public record ClientLimits(int maxPublishRate, int publishBurst, int maxInflightMessages, int messageSizeLimit,
    int maxSubscriptions, int maxPersistentSessions, int maxRetainedMessages, long maxRetainedBytes) {

  public static final int DEFAULT_MAX_PUBLISH_RATE = 100;
  /** A service such as the archiver subscribes to a handful of filters; 1,000 leaves room for many more. */
  public static final int DEFAULT_MAX_SUBSCRIPTIONS = 1_000;
  /** One identity normally holds one persistent session; a few more for redundant service instances. */
  public static final int DEFAULT_MAX_PERSISTENT_SESSIONS = 16;
  /** A sensor retains a few status topics; 1,000 is two orders of magnitude above that. */
  public static final int DEFAULT_MAX_RETAINED_MESSAGES = 1_000;
  public static final long DEFAULT_MAX_RETAINED_BYTES = 16L * 1024 * 1024;

  /** The spec's rate, inflight and size limits with the default quotas. */
  public ClientLimits(int maxPublishRate, int publishBurst, int maxInflightMessages, int messageSizeLimit) {
    this(maxPublishRate, publishBurst, maxInflightMessages, messageSizeLimit, DEFAULT_MAX_SUBSCRIPTIONS,
        DEFAULT_MAX_PERSISTENT_SESSIONS, DEFAULT_MAX_RETAINED_MESSAGES, DEFAULT_MAX_RETAINED_BYTES);
  }

  /** A partial set of limits: null fields keep the value they override. */
  public record Override(Integer maxPublishRate, Integer publishBurst, Integer maxInflightMessages,
      Integer messageSizeLimit, Integer maxSubscriptions, Integer maxPersistentSessions,
      Integer maxRetainedMessages, Long maxRetainedBytes) {

    /** An override of the rate, inflight and size limits only. */
    public Override(Integer maxPublishRate, Integer publishBurst, Integer maxInflightMessages,
        Integer messageSizeLimit) {
      this(maxPublishRate, publishBurst, maxInflightMessages, messageSizeLimit, null, null, null, null);
    }
  }

  public ClientLimits with(Override o) {
    int rate = o.maxPublishRate() != null ? o.maxPublishRate() : maxPublishRate;
    // A raised rate without its own burst keeps one second of burst at the new rate.
    int burst = o.publishBurst() != null
        ? o.publishBurst()
        : o.maxPublishRate() != null ? Math.max(publishBurst, rate) : publishBurst;
    return new ClientLimits(rate, burst,
        o.maxInflightMessages() != null ? o.maxInflightMessages() : maxInflightMessages,
        o.messageSizeLimit() != null ? o.messageSizeLimit() : messageSizeLimit,
        o.maxSubscriptions() != null ? o.maxSubscriptions() : maxSubscriptions,
        o.maxPersistentSessions() != null ? o.maxPersistentSessions() : maxPersistentSessions,
        o.maxRetainedMessages() != null ? o.maxRetainedMessages() : maxRetainedMessages,
        o.maxRetainedBytes() != null ? o.maxRetainedBytes() : maxRetainedBytes);
  }

  /** The same rate, burst, inflight and size limits with the quotas of another set. */
  public ClientLimits withQuotasOf(ClientLimits q) {
    return new ClientLimits(maxPublishRate, publishBurst, maxInflightMessages, messageSizeLimit, q.maxSubscriptions,
        q.maxPersistentSessions, q.maxRetainedMessages, q.maxRetainedBytes);
  }
}
