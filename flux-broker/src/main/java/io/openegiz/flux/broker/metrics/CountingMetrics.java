package io.openegiz.flux.broker.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-process counters for every metric; the source the exporters ({@code /metrics}, $SYS) read from.
 * Per-message counters (messages and bytes by QoS, packets by type, socket bytes) are {@link StripedCounters}: an
 * add is a store to the calling event loop's own stripe, with no atomic operation, no lookup and no allocation.
 * The others are arrays of {@link LongAdder} indexed by an enum's ordinal.
 */
public final class CountingMetrics implements BrokerMetrics {
  /** The quota keys {@code flux_quota_exceeded_total} lists; others (connections) are counted elsewhere. */
  public static final List<String> QUOTAS = List.of("max_retained_messages", "max_retained_bytes",
      "max_retained_messages_per_identity", "max_retained_bytes_per_identity", "max_subscriptions_per_session",
      "max_persistent_sessions_per_identity");

  private final LongAdder connected = new LongAdder();
  private final LongAdder connectionsTotal = new LongAdder();
  private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
  // The per-message counters, striped per event loop (StripedCounters): by QoS, by packet type, bytes.
  private static final int RECEIVED = 0;
  private static final int RECEIVED_BYTES = 3;
  private static final int SENT = 6;
  private static final int SENT_BYTES = 9;
  private static final int BYTES_RECEIVED = 12;
  private static final int BYTES_SENT = 13;
  private static final int PACKETS_IN = 14;
  private static final int PACKETS_OUT = PACKETS_IN + 16;
  private final StripedCounters hot = new StripedCounters(PACKETS_OUT + 16);
  private final LongAdder auditEventsDropped = new LongAdder();
  private final LongAdder[] drops = adders(DropReason.values().length);
  private final LongAdder[] authSuccesses = adders(AuthMethod.values().length);
  private final LongAdder[] authFailures = adders(AuthFailure.values().length);
  private final LongAdder[] aclDenials = adders(AclAction.values().length);
  private final LongAdder[] rateLimits = adders(RateLimit.values().length);
  private final LongAdder[] quotas = adders(QUOTAS.size());
  private final LongAdder[] closed = adders(CloseReason.values().length);
  private final LongAdder sessionsExpired = new LongAdder();
  private final LongAdder sockets = new LongAdder();

  /** MQTT packet types by number, as {@code flux_packets_*} name them. */
  public static final List<String> PACKET_TYPES = List.of("reserved", "connect", "connack", "publish", "puback",
      "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback", "pingreq", "pingresp",
      "disconnect", "auth");
  private final LongAdder[] refused = adders(Refusal.values().length);
  private final TopicRates topics;
  /** Null without an endpoint: no histogram to fill, no cost on the delivery path. */
  private final StripedHistogram publishLatency;

  /** Counters without per-topic rates. */
  public CountingMetrics() {
    this(null);
  }

  /** @param topics per-topic rates to count, or null for none */
  public CountingMetrics(TopicRates topics) {
    this(topics, false);
  }

  /**
   * @param topics per-topic rates to count, or null for none
   * @param timed whether to time deliveries ({@code flux_publish_latency_seconds}): when there is an endpoint
   */
  public CountingMetrics(TopicRates topics, boolean timed) {
    this.topics = topics;
    this.publishLatency = timed
        ? new StripedHistogram("flux_publish_latency_seconds", "from a PUBLISH read off a"
            + " publisher's socket to its copy written to a subscriber", Latency.BUCKETS)
        : null;
  }

  @Override
  public boolean timed() { return publishLatency != null; }

  /** The publish latency histogram, or null when deliveries are not timed. */
  public StripedHistogram publishLatency() {
    return publishLatency;
  }

  @Override
  public void publishLatency(long nanos) {
    if (publishLatency != null) {
      publishLatency.observe(nanos);
    }
  }

  /** The per-topic rates, or null when not counted. */
  public TopicRates topics() {
    return topics;
  }

  /** The connection counters of one listener ("ADDRESS:PORT"). */
  public static final class Listener {
    private final LongAdder open = new LongAdder();
    private final LongAdder opened = new LongAdder();
    private final LongAdder tlsHandshakes = new LongAdder();
    private final LongAdder[] tlsFailures = adders(TlsFailure.values().length);
    private volatile boolean tls;

    /** Whether the listener speaks TLS: only then are its TLS series exported. */
    public boolean tls() { return tls; }
    public long tlsHandshakes() { return tlsHandshakes.sum(); }
    public long tlsFailures(TlsFailure reason) { return tlsFailures[reason.ordinal()].sum(); }

    public long connections() { return open.sum(); }
    public long opened() { return opened.sum(); }
  }

  private static LongAdder[] adders(int n) {
    LongAdder[] a = new LongAdder[n];
    for (int i = 0; i < n; i++) {
      a[i] = new LongAdder();
    }
    return a;
  }

  /** The label value of an enum constant: its name in lower case, as docs/metrics.md lists them. */
  public static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Creates the counters of a listener, so that it is exported at 0 before its first connection. */
  public Listener listener(String name) {
    return listeners.computeIfAbsent(name, n -> new Listener());
  }

  /** Creates the counters of a TLS listener, its TLS series at 0 included. */
  public Listener tlsListener(String name) {
    Listener l = listener(name);
    l.tls = true;
    return l;
  }

  @Override
  public void tlsHandshake(String listener, TlsFailure failure) {
    Listener l = listener(listener);
    if (failure == null) {
      l.tlsHandshakes.increment();
    } else {
      l.tlsFailures[failure.ordinal()].increment();
    }
  }

  /** Every listener's counters, by name. */
  public Map<String, Listener> listeners() {
    return Map.copyOf(listeners);
  }

  @Override
  public void clientConnected(String listener) {
    connected.increment();
    connectionsTotal.increment();
    Listener l = listener(listener);
    l.open.increment();
    l.opened.increment();
  }

  @Override
  public void clientDisconnected(String listener, CloseReason reason) {
    connected.decrement();
    listener(listener).open.decrement();
    closed[reason.ordinal()].increment();
  }

  @Override
  public void sessionExpired() {
    sessionsExpired.increment();
  }

  public long sessionsExpired() { return sessionsExpired.sum(); }

  @Override
  public void packetReceived(int type) {
    hot.increment(PACKETS_IN + type);
  }

  @Override
  public void packetSent(int type) {
    hot.increment(PACKETS_OUT + type);
  }

  @Override
  public void socketAccepted() { sockets.increment(); }

  /** Sockets the listeners accepted ($SYS {@code load/sockets}). */
  public long sockets() { return sockets.sum(); }
  /** CONNECT packets read, accepted or not ($SYS {@code load/connections}). */
  public long connects() {
    return packetsReceived(1);
  }
  public long packetsReceived(int type) { return hot.sum(PACKETS_IN + type); }
  public long packetsSent(int type) { return hot.sum(PACKETS_OUT + type); }
  /** MQTT packets read, every type ($SYS {@code messages/received}). */
  public long packetsReceived() {
    return hot.sum(PACKETS_IN, PACKETS_IN + 16);
  }
  /** MQTT packets written, every type ($SYS {@code messages/sent}). */
  public long packetsSent() {
    return hot.sum(PACKETS_OUT, PACKETS_OUT + 16);
  }

  @Override
  public void connectionRefused(Refusal reason) {
    refused[reason.ordinal()].increment();
  }

  public long closed(CloseReason reason) { return closed[reason.ordinal()].sum(); }
  public long refused(Refusal reason) { return refused[reason.ordinal()].sum(); }

  @Override
  public void messageReceived(String topic, int qos, int n) {
    hot.increment(RECEIVED + qos);
    hot.add(RECEIVED_BYTES + qos, n);
    if (topics != null) {
      topics.received(topic, n);
    }
  }

  @Override
  public void messageSent(String topic, int qos, int n) {
    hot.increment(SENT + qos);
    hot.add(SENT_BYTES + qos, n);
    if (topics != null) {
      topics.sent(topic, n);
    }
  }

  @Override
  public void messageDropped(DropReason reason) { drops[reason.ordinal()].increment(); }
  @Override
  public void bytesReceived(long n) { hot.add(BYTES_RECEIVED, n); }
  @Override
  public void bytesSent(long n) { hot.add(BYTES_SENT, n); }
  @Override
  public void auditEventDropped() { auditEventsDropped.increment(); }
  @Override
  public void authSucceeded(AuthMethod method) { authSuccesses[method.ordinal()].increment(); }
  @Override
  public void authFailed(AuthFailure reason) { authFailures[reason.ordinal()].increment(); }
  @Override
  public void aclDenied(AclAction action) { aclDenials[action.ordinal()].increment(); }
  @Override
  public void rateLimited(RateLimit limit) { rateLimits[limit.ordinal()].increment(); }

  @Override
  public void quotaExceeded(String quota) {
    int i = QUOTAS.indexOf(quota);
    if (i >= 0) {
      quotas[i].increment();
    }
  }

  /** Clients connected now. */
  public long clientsConnected() { return connected.sum(); }
  public long connectionsTotal() { return connectionsTotal.sum(); }
  public long messagesReceived() { return hot.sum(RECEIVED, RECEIVED + 3); }
  public long messagesReceived(int qos) { return hot.sum(RECEIVED + qos); }
  public long messagesSent() { return hot.sum(SENT, SENT + 3); }
  public long messagesSent(int qos) { return hot.sum(SENT + qos); }
  public long payloadBytesReceived() { return hot.sum(RECEIVED_BYTES, RECEIVED_BYTES + 3); }
  public long payloadBytesReceived(int qos) { return hot.sum(RECEIVED_BYTES + qos); }
  public long payloadBytesSent() { return hot.sum(SENT_BYTES, SENT_BYTES + 3); }
  public long payloadBytesSent(int qos) { return hot.sum(SENT_BYTES + qos); }
  public long bytesReceived() { return hot.sum(BYTES_RECEIVED); }
  public long bytesSent() { return hot.sum(BYTES_SENT); }
  /** Audit events dropped because the audit writer could not keep up (also warned about in the log). */
  public long auditEventsDropped() {
    return auditEventsDropped.sum();
  }
  public long dropped(DropReason reason) { return drops[reason.ordinal()].sum(); }
  public long authSuccesses(AuthMethod method) { return authSuccesses[method.ordinal()].sum(); }
  public long authFailures(AuthFailure reason) { return authFailures[reason.ordinal()].sum(); }
  /** ACL refusals; a read refusal is the drop {@link DropReason#READ_NOT_AUTHORIZED}, counted once there. */
  public long aclDenials(AclAction action) {
    return action == AclAction.READ ? dropped(DropReason.READ_NOT_AUTHORIZED) : aclDenials[action.ordinal()].sum();
  }
  public long rateLimitedCount(RateLimit limit) { return rateLimits[limit.ordinal()].sum(); }
  public long quotaExceededCount(String quota) { return quotas[QUOTAS.indexOf(quota)].sum(); }

  /** All drops, whatever the reason. */
  public long droppedTotal() {
    return sum(drops);
  }

  private static long sum(LongAdder[] adders) {
    long n = 0;
    for (LongAdder a : adders) {
      n += a.sum();
    }
    return n;
  }
}
