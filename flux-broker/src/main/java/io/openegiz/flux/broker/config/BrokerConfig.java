package io.openegiz.flux.broker.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The broker's validated settings. Built by {@link ConfigParser} from a mosquitto.conf-compatible
 * file or by {@link #builder()} in code; every value here has already passed validation.
 *
 * @param listeners where to accept connections (at least one)
 * @param allowAnonymous whether clients without credentials may connect
 * @param maxInflightMessages receive maximum both ways: inbound QoS 1/2 the broker accepts unacknowledged
 *     per client, and outbound QoS 1/2 it has in flight to a client (FR-2.6, default 100)
 * @param maxQueuedMessages per-client queue of messages awaiting delivery (default 1000)
 * @param maxQueuedBytes per-client queue limit in bytes of whole messages (topic, payload, properties); 0 = none
 * @param messageSizeLimit largest PUBLISH payload accepted, in bytes (FR-2.7, default 262144)
 * @param maxPacketSize largest MQTT packet accepted from a client, in bytes
 * @param maxKeepalive largest keep alive granted, seconds; larger requests are lowered (5.0) or refused (3.1.1)
 * @param persistentClientExpiration how long a disconnected persistent session lives (FR-2.9, default 24 h);
 *     also the cap on an MQTT 5 session expiry interval
 * @param allowZeroLengthClientid whether an empty client id gets an assigned one
 * @param persistence whether sessions and messages are stored on disk (durability issue)
 * @param persistenceLocation folder of the store
 * @param persistenceSyncMillis 0: group commit (an acknowledged message is fsync'd); N: periodic, the
 *     write-ahead log is fsync'd every N ms (persistence_sync periodic N; docs/durability.md)
 * @param connectTimeout how long a new connection may take to send CONNECT
 * @param sessionOwnership who may resume or take over a session: its creating identity (default) or anyone
 *     presenting its client id (Mosquitto)
 * @param security password and ACL files, per-client limits and their overrides, audit
 * @param connectionLimits connections per identity, CONNECT size, unauthenticated connections per address
 * @param sysInterval seconds between two publications of the {@code $SYS} tree (Mosquitto's sys_interval,
 *     default 10); 0 publishes nothing
 * @param http the HTTP endpoint ({@code /metrics}, {@code /health}, status page); {@link HttpConfig#NONE} by default
 * @param statusMaxDevices devices the status page's fleet view tracks at most (default 10000); 0 turns
 *     the fleet view off (docs/status-page.md)
 * @param ioThreads event loops serving the MQTT connections ({@code io_threads}); 0 (the default) chooses one per
 *     two cores, at least one
 */
public record BrokerConfig(
    List<ListenerConfig> listeners,
    boolean allowAnonymous,
    int maxInflightMessages,
    int maxQueuedMessages,
    long maxQueuedBytes,
    int messageSizeLimit,
    int maxPacketSize,
    int maxKeepalive,
    Duration persistentClientExpiration,
    boolean allowZeroLengthClientid,
    boolean persistence,
    Path persistenceLocation,
    long persistenceSyncMillis,
    Duration connectTimeout,
    SessionOwnership sessionOwnership,
    SecurityConfig security,
    ConnectionLimits connectionLimits,
    int sysInterval,
    HttpConfig http,
    int statusMaxDevices,
    int ioThreads) {

  public static final int DEFAULT_MAX_INFLIGHT = 100;
  public static final int DEFAULT_MAX_QUEUED_MESSAGES = 1000;
  public static final long DEFAULT_MAX_QUEUED_BYTES = 64L * 1024 * 1024;
  public static final int DEFAULT_MESSAGE_SIZE_LIMIT = 256 * 1024;
  /** Room for topic, properties and header on top of the largest payload. */
  public static final int PACKET_OVERHEAD_ALLOWANCE = 64 * 1024;
  public static final int DEFAULT_MAX_KEEPALIVE = 65535;
  public static final Duration DEFAULT_SESSION_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final int DEFAULT_SYS_INTERVAL = 10;
  /** Mosquitto's upper bound for sys_interval. */
  public static final int MAX_SYS_INTERVAL = 65535;
  /** The spec's sensors per node (one factory, 10,000 sensors): each takes a few hundred bytes. */
  public static final int DEFAULT_STATUS_MAX_DEVICES = 10_000;
  /** The most event loops {@code io_threads} accepts. */
  public static final int MAX_IO_THREADS = 256;

  public BrokerConfig {
    listeners = List.copyOf(listeners);
  }

  /**
   * The event loops to start: {@code io_threads}, else (when the JVM is given {@code -Dio.netty.eventLoopThreads})
   * 0, which lets Netty read that, else one per two cores, at least one. Fewer loops than cores: a message whose
   * publisher and subscriber are on different loops costs a hand-over and a wake-up, and the other cores serve the
   * archiver, QuestDB and the system (measured in docs/benchmarks.md "10,000 sensors").
   */
  public int eventLoops() {
    if (ioThreads > 0) {
      return ioThreads;
    }
    if (System.getProperty("io.netty.eventLoopThreads") != null) {
      return 0;
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  /** A builder starting from the defaults: one plain listener on 127.0.0.1:1883. */
  public static Builder builder() {
    return new Builder();
  }

  /** Returns a builder holding this configuration's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.listeners = listeners;
    b.allowAnonymous = allowAnonymous;
    b.maxInflightMessages = maxInflightMessages;
    b.maxQueuedMessages = maxQueuedMessages;
    b.maxQueuedBytes = maxQueuedBytes;
    b.messageSizeLimit = messageSizeLimit;
    b.maxPacketSize = maxPacketSize;
    b.maxKeepalive = maxKeepalive;
    b.persistentClientExpiration = persistentClientExpiration;
    b.allowZeroLengthClientid = allowZeroLengthClientid;
    b.persistence = persistence;
    b.persistenceLocation = persistenceLocation;
    b.persistenceSyncMillis = persistenceSyncMillis;
    b.connectTimeout = connectTimeout;
    b.sessionOwnership = sessionOwnership;
    b.security = security;
    b.connectionLimits = connectionLimits;
    b.sysInterval = sysInterval;
    b.http = http;
    b.statusMaxDevices = statusMaxDevices;
    b.ioThreads = ioThreads;
    return b;
  }

  /** Mutable builder; {@link #build()} checks the invariants the parser also checks. */
  public static final class Builder {
    private List<ListenerConfig> listeners = List.of(new ListenerConfig(1883, "127.0.0.1", "default"));
    private boolean allowAnonymous = true;
    private int maxInflightMessages = DEFAULT_MAX_INFLIGHT;
    private int maxQueuedMessages = DEFAULT_MAX_QUEUED_MESSAGES;
    private long maxQueuedBytes = DEFAULT_MAX_QUEUED_BYTES;
    private int messageSizeLimit = DEFAULT_MESSAGE_SIZE_LIMIT;
    private int maxPacketSize = 0;
    private int maxKeepalive = DEFAULT_MAX_KEEPALIVE;
    private Duration persistentClientExpiration = DEFAULT_SESSION_EXPIRY;
    private boolean allowZeroLengthClientid = true;
    private boolean persistence = false;
    private Path persistenceLocation = Path.of("flux-data");
    private long persistenceSyncMillis;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private SessionOwnership sessionOwnership = SessionOwnership.IDENTITY;
    private SecurityConfig security;
    private Integer maxPublishRate;
    private Integer publishBurst;
    // Quotas set on this builder; null keeps those of security(...) or the defaults.
    private Integer maxSubscriptions;
    private Integer maxPersistentSessions;
    private Integer maxRetainedMessages;
    private Long maxRetainedBytes;
    private SecurityConfig.RetainedTotals retainedTotals;
    private ConnectionLimits connectionLimits = ConnectionLimits.DEFAULTS;
    private int sysInterval = DEFAULT_SYS_INTERVAL;
    private HttpConfig http = HttpConfig.NONE;
    private int statusMaxDevices = DEFAULT_STATUS_MAX_DEVICES;
    private int ioThreads;

    public Builder listeners(List<ListenerConfig> v) { listeners = v; return this; }
    public Builder listener(int port, String address) {
      listeners = List.of(new ListenerConfig(port, address, "builder"));
      return this;
    }
    public Builder allowAnonymous(boolean v) { allowAnonymous = v; return this; }
    public Builder maxInflightMessages(int v) { maxInflightMessages = v; return this; }
    public Builder maxQueuedMessages(int v) { maxQueuedMessages = v; return this; }
    public Builder maxQueuedBytes(long v) { maxQueuedBytes = v; return this; }
    public Builder messageSizeLimit(int v) { messageSizeLimit = v; return this; }
    /** 0 derives it from the message size limit plus {@link #PACKET_OVERHEAD_ALLOWANCE}. */
    public Builder maxPacketSize(int v) {
      maxPacketSize = v;
      return this;
    }
    public Builder maxKeepalive(int v) { maxKeepalive = v; return this; }
    public Builder persistentClientExpiration(Duration v) { persistentClientExpiration = v; return this; }
    public Builder allowZeroLengthClientid(boolean v) { allowZeroLengthClientid = v; return this; }
    public Builder persistence(boolean v) { persistence = v; return this; }
    public Builder persistenceLocation(Path v) { persistenceLocation = v; return this; }
    public Builder persistenceSyncMillis(long v) { persistenceSyncMillis = v; return this; }
    public Builder connectTimeout(Duration v) { connectTimeout = v; return this; }
    public Builder sessionOwnership(SessionOwnership v) { sessionOwnership = v; return this; }
    /** Security settings; the limits in it are rebuilt from this builder's inflight and size values. */
    public Builder security(SecurityConfig v) {
      security = v;
      return this;
    }
    /** PUBLISH per second per client (SEC-5, default 100; 0 = off). */
    public Builder maxPublishRate(int v) {
      maxPublishRate = v;
      return this;
    }
    public Builder publishBurst(int v) { publishBurst = v; return this; }
    public Builder connectionLimits(ConnectionLimits v) { connectionLimits = v; return this; }
    /** Seconds between $SYS publications, 0 (off) to {@link #MAX_SYS_INTERVAL}. */
    public Builder sysInterval(int v) {
      sysInterval = v;
      return this;
    }
    /** The HTTP endpoint; {@link HttpConfig#NONE} (the default) opens none. */
    public Builder http(HttpConfig v) {
      http = v;
      return this;
    }
    /** Devices the status page tracks at most; 0 = no fleet view. */
    /** Event loops serving the connections; 0 chooses one per two cores, at least one. */
    public Builder ioThreads(int v) {
      ioThreads = v;
      return this;
    }

    public Builder statusMaxDevices(int v) {
      statusMaxDevices = v;
      return this;
    }
    /** Subscriptions per session; 0 = no limit. */
    public Builder maxSubscriptionsPerSession(int v) {
      maxSubscriptions = v;
      return this;
    }
    /** Persistent sessions per identity; 0 = no limit. */
    public Builder maxPersistentSessionsPerIdentity(int v) {
      maxPersistentSessions = v;
      return this;
    }
    /** Retained messages set by one identity; 0 = no limit. */
    public Builder maxRetainedMessagesPerIdentity(int v) {
      maxRetainedMessages = v;
      return this;
    }
    /** Bytes of the retained messages set by one identity; 0 = no limit. */
    public Builder maxRetainedBytesPerIdentity(long v) {
      maxRetainedBytes = v;
      return this;
    }
    /** The broker-wide bound on retained messages. */
    public Builder retainedTotals(SecurityConfig.RetainedTotals v) {
      retainedTotals = v;
      return this;
    }

    private SecurityConfig security() {
      SecurityConfig base = security != null ? security : SecurityConfig.defaults(null);
      ClientLimits old = base.limits();
      int rate = maxPublishRate != null
          ? maxPublishRate
          : old != null ? old.maxPublishRate() : ClientLimits.DEFAULT_MAX_PUBLISH_RATE;
      int burst = publishBurst != null
          ? publishBurst
          : old != null && maxPublishRate == null ? old.publishBurst() : Math.max(1, rate);
      ClientLimits limits = new ClientLimits(rate, burst, maxInflightMessages, messageSizeLimit);
      ClientLimits limitsWithQuotas = (old != null ? limits.withQuotasOf(old) : limits).with(new ClientLimits.Override(
          null, null, null, null, maxSubscriptions, maxPersistentSessions, maxRetainedMessages, maxRetainedBytes));
      return new SecurityConfig(base.passwordFile(), base.aclFile(), limitsWithQuotas, base.listenerLimits(),
          base.userLimits(), base.rateAction(), base.audit(), base.maxConnectsPerAddress(), base.logins(),
          base.subscribeRate(), retainedTotals != null ? retainedTotals : base.retainedTotals());
    }

    public BrokerConfig build() {
      if (listeners.isEmpty()) {
        throw new IllegalArgumentException("at least one listener is required");
      }
      if (ioThreads < 0 || ioThreads > MAX_IO_THREADS) {
        throw new IllegalArgumentException("io_threads must be from 0 to " + MAX_IO_THREADS + ": " + ioThreads);
      }
      if (sysInterval < 0 || sysInterval > MAX_SYS_INTERVAL) {
        throw new IllegalArgumentException("sys_interval must be from 0 to " + MAX_SYS_INTERVAL + ": " + sysInterval);
      }
      int packet = maxPacketSize > 0
          ? maxPacketSize
          : (int) Math.min(268_435_455L, (long) messageSizeLimit + PACKET_OVERHEAD_ALLOWANCE);
      return new BrokerConfig(listeners, allowAnonymous, maxInflightMessages, maxQueuedMessages,
          maxQueuedBytes, messageSizeLimit, packet, maxKeepalive, persistentClientExpiration,
          allowZeroLengthClientid, persistence, persistenceLocation, persistenceSyncMillis, connectTimeout,
          sessionOwnership, security(), connectionLimits, sysInterval, http, statusMaxDevices,
          ioThreads);
    }
  }
}
