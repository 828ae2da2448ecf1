package io.openegiz.flux.broker.http;

import static io.openegiz.flux.broker.metrics.CountingMetrics.label;

import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.metrics.BrokerMetrics.AclAction;
import io.openegiz.flux.broker.metrics.BrokerMetrics.AuthFailure;
import io.openegiz.flux.broker.metrics.BrokerMetrics.AuthMethod;
import io.openegiz.flux.broker.metrics.BrokerMetrics.CloseReason;
import io.openegiz.flux.broker.metrics.BrokerMetrics.RateLimit;
import io.openegiz.flux.broker.metrics.BrokerMetrics.Refusal;
import io.openegiz.flux.broker.metrics.BrokerMetrics.TlsFailure;
import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.metrics.TopicRates;
import io.openegiz.flux.broker.protocol.BrokerContext;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.store.StoreStats;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.IntToLongFunction;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;

/**
 * The broker's metrics of docs/metrics.md, registered as callbacks on a {@link PrometheusRegistry}: each
 * scrape reads the counters and the broker's state; nothing is kept between scrapes. Every labelled counter
 * reports every label value of the contract, at 0 until it counts.
 */
public final class BrokerCollectors {
  private final PrometheusRegistry registry;

  private BrokerCollectors(PrometheusRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers the broker's metrics.
   *
   * @param store the store's counters, or null with {@code persistence false} (the store metrics are absent)
   * @param storeDirectory {@code persistence_location}, for its size and free space; null without a store
   */
  public static void register(PrometheusRegistry registry, String version, CountingMetrics m, BrokerContext broker,
      StoreStats store, Path storeDirectory, Map<String, TlsConfig> tlsListeners) {
    BrokerCollectors c = new BrokerCollectors(registry);
    c.gauge("flux_build_info", "always 1; the Flux version", cb -> cb.call(1, version), "version");
    c.connections(m);
    c.sessions(broker, m);
    c.messages(m);
    c.security(m);
    c.tls(m, tlsListeners);
    if (m.topics() != null) {
      c.topics(m.topics());
    }
    if (store != null) {
      c.store(store, storeDirectory);
    }
  }

  private void connections(CountingMetrics m) {
    gauge("flux_connections", "connections that completed CONNECT and are open",
        cb -> m.listeners().forEach((name, l) -> cb.call(l.connections(), name)), "listener");
    counter("flux_connections_opened_total", "CONNECTs accepted (CONNACK success)",
        cb -> m.listeners().forEach((name, l) -> cb.call(l.opened(), name)), "listener");
    counter("flux_connections_closed_total", "accepted connections that ended, by why",
        byLabel(CloseReason.values(), m::closed), "reason");
    counter("flux_connections_refused_total", "connections refused before or at CONNECT, authentication aside",
        byLabel(Refusal.values(), m::refused), "reason");
  }

  private void sessions(BrokerContext broker, CountingMetrics m) {
    SessionCensus census = new SessionCensus(broker);
    gauge("flux_sessions", "sessions the broker holds: with a connection, and persistent sessions without one",
        cb -> census.byState(cb, SessionCensus.Counts::sessions), "state");
    counter("flux_sessions_expired_total", "persistent sessions removed by their expiry",
        cb -> cb.call(m.sessionsExpired()));
    gauge("flux_queued_messages", "messages waiting in sessions' queues beyond those in flight",
        cb -> census.byState(cb, SessionCensus.Counts::queued), "state");
    gauge("flux_queued_bytes", "their size, counted as max_queued_bytes counts it",
        cb -> census.byState(cb, SessionCensus.Counts::queuedBytes), "state");
    gauge("flux_inflight_messages", "QoS 1/2 messages sent to subscribers and not yet acknowledged",
        cb -> cb.call(census.get().inflight()));
    gauge("flux_subscriptions", "subscriptions of all sessions, shared ones included",
        cb -> cb.call(broker.subscriptions().subscriptionCount()));
    gauge("flux_shared_subscriptions", "shared subscriptions ($share/...)", cb -> cb.call(census.get().shared()));
    gauge("flux_retained_messages", "retained messages held", cb -> cb.call(broker.quotas().retained().messages()));
    gauge("flux_retained_bytes", "their size: topic, payload and properties",
        cb -> cb.call(broker.quotas().retained().bytes()));
  }

  private void messages(CountingMetrics m) {
    counter("flux_messages_received_total", "PUBLISH packets received from clients",
        cb -> byQos(cb, m::messagesReceived), "qos");
    counter("flux_messages_received_bytes_total", "their payload bytes", cb -> byQos(cb, m::payloadBytesReceived),
        "qos");
    counter("flux_messages_sent_total", "PUBLISH packets written to clients (the delivery QoS)",
        cb -> byQos(cb, m::messagesSent), "qos");
    counter("flux_messages_sent_bytes_total", "their payload bytes", cb -> byQos(cb, m::payloadBytesSent), "qos");
    counter("flux_messages_dropped_total", "messages not delivered, one per message and subscriber",
        byLabel(DropReason.values(), m::dropped), "reason");
    counter("flux_packets_received_total", "MQTT packets received", cb -> packets(cb, m::packetsReceived,
        "connect", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe", "unsubscribe", "pingreq",
        "disconnect", "auth"), "type");
    counter("flux_packets_sent_total", "MQTT packets sent", cb -> packets(cb, m::packetsSent, "connack", "publish",
        "puback", "pubrec", "pubrel", "pubcomp", "suback", "unsuback", "pingresp", "disconnect", "auth"), "type");
    if (m.publishLatency() != null) {
      registry.register(m.publishLatency());
    }
    counter("flux_network_received_bytes_total", "bytes read from client sockets", cb -> cb.call(m.bytesReceived()));
    counter("flux_network_sent_bytes_total", "bytes written to client sockets", cb -> cb.call(m.bytesSent()));
  }

  private void security(CountingMetrics m) {
    counter("flux_auth_successes_total", "logins accepted", byLabel(AuthMethod.values(), m::authSuccesses), "method");
    counter("flux_auth_failures_total", "logins refused", byLabel(AuthFailure.values(), m::authFailures), "reason");
    counter("flux_acl_denied_total", "ACL refusals, every one", byLabel(AclAction.values(), m::aclDenials), "action");
    counter("flux_rate_limited_total", "times a limit acted", byLabel(RateLimit.values(), m::rateLimitedCount),
        "limit");
    counter("flux_quota_exceeded_total", "refusals by a quota, named by the key of the limit", cb -> {
      for (String q : CountingMetrics.QUOTAS) {
        cb.call(m.quotaExceededCount(q), q);
      }
    }, "quota");
    counter("flux_audit_events_dropped_total", "audit events dropped because the writer could not keep up",
        cb -> cb.call(m.auditEventsDropped()));
  }

  private void topics(TopicRates t) {
    counter("flux_filter_messages_received_total", "PUBLISH received on topics matching the named filter",
        cb -> t.filtersReceived().forEach((name, c) -> cb.call(c.messages(), name)), "filter");
    counter("flux_filter_messages_received_bytes_total", "their payload bytes",
        cb -> t.filtersReceived().forEach((name, c) -> cb.call(c.bytes(), name)), "filter");
    counter("flux_filter_messages_sent_total", "PUBLISH sent to subscribers, by the same filters",
        cb -> t.filtersSent().forEach((name, c) -> cb.call(c.messages(), name)), "filter");
    counter("flux_filter_messages_sent_bytes_total", "their payload bytes",
        cb -> t.filtersSent().forEach((name, c) -> cb.call(c.bytes(), name)), "filter");
    if (t.hierarchy()) {
      counter("flux_hierarchy_messages_received_total", "PUBLISH received, by place in the hierarchy",
          cb -> t.places().forEach((place, c) -> cb.call(c.messages(), place.split("/"))), HIERARCHY);
      counter("flux_hierarchy_messages_received_bytes_total", "their payload bytes",
          cb -> t.places().forEach((place, c) -> cb.call(c.bytes(), place.split("/"))), HIERARCHY);
    }
    gauge("flux_topic_series", "per-topic series in use, both families", cb -> cb.call(t.series()));
    gauge("flux_topic_series_limit", "the cap", cb -> cb.call(t.maxSeries()));
  }

  private void tls(CountingMetrics m, Map<String, TlsConfig> listeners) {
    counter("flux_tls_handshakes_total", "TLS handshakes completed", cb -> m.listeners().forEach((name, l) -> {
      if (l.tls()) {
        cb.call(l.tlsHandshakes(), name);
      }
    }), "listener");
    counter("flux_tls_handshake_failures_total", "TLS handshakes that failed",
        cb -> m.listeners().forEach((name, l) -> {
          for (TlsFailure f : l.tls() ? TlsFailure.values() : new TlsFailure[0]) {
            cb.call(l.tlsFailures(f), name, label(f));
          }
        }), "listener", "reason");
    gauge("flux_tls_certificate_expiry_timestamp_seconds", "notAfter of the listener's server and CA certificates",
        cb -> listeners.forEach((name, tls) -> {
          Certificates.notAfter(tls.certfile()).ifPresent(t -> cb.call(t, name, "server"));
          Certificates.notAfter(tls.cafile()).ifPresent(t -> cb.call(t, name, "ca"));
        }), "listener", "certificate");
    gauge("flux_tls_crl_next_update_timestamp_seconds", "nextUpdate of the listener's CRL",
        cb -> listeners.forEach((name, tls) -> Certificates.crlNextUpdate(tls.crlfile())
            .ifPresent(t -> cb.call(t, name))),
        "listener");
  }

  private static final String[] HIERARCHY = {"factory_id", "equipment_type", "sensor_type"};

  private void store(StoreStats s, Path directory) {
    counter("flux_store_writes_total", "operations written", cb -> cb.call(s.operations()));
    counter("flux_store_batches_total", "group-commit batches written", cb -> cb.call(s.batches()));
    counter("flux_store_syncs_total", "fsyncs of the write-ahead log", cb -> cb.call(s.syncs()));
    counter("flux_store_write_failures_total", "batches that failed to write", cb -> cb.call(s.failedBatches()));
    gauge("flux_store_unavailable", "1 while writes fail, else 0", cb -> cb.call(s.unavailable() ? 1 : 0));
    registry.register(s.batchWriteSeconds());
    registry.register(s.syncSeconds());
    gauge("flux_store_bytes", "the store's size on disk", cb -> cb.call(sizeOf(directory)));
    gauge("flux_store_filesystem_avail_bytes", "bytes free for the broker on the store's file system",
        cb -> fileStore(directory, f -> cb.call(f.getUsableSpace())));
    gauge("flux_store_filesystem_size_bytes", "that file system's size",
        cb -> fileStore(directory, f -> cb.call(f.getTotalSpace())));
  }

  /** One sample per constant of an enum, labelled with its lower-case name. */
  private static <E extends Enum<E>> Consumer<CounterWithCallback.Callback> byLabel(E[] values,
      ToLongFunction<E> count) {
    return cb -> {
      for (E e : values) {
        cb.call(count.applyAsLong(e), label(e));
      }
    };
  }

  /** The packets of the types a client sends (or the broker sends), by name. */
  private static void packets(CounterWithCallback.Callback cb, IntToLongFunction count,
      String... types) {
    for (String type : types) {
      cb.call(count.applyAsLong(CountingMetrics.PACKET_TYPES.indexOf(type)), type);
    }
  }

  private static void byQos(CounterWithCallback.Callback cb, IntToLongFunction value) {
    for (int qos = 0; qos <= 2; qos++) {
      cb.call(value.applyAsLong(qos), Integer.toString(qos));
    }
  }

  /** Calls {@code use} with the file store, or not at all when it cannot be read (the series is absent). */
  private interface FileStoreUse {
    void accept(FileStore f) throws IOException;
  }

  private static void fileStore(Path directory, FileStoreUse use) {
    try {
      use.accept(Files.getFileStore(directory));
    } catch (IOException e) {
      // no sample: absent is truer than a made-up number
    }
  }

  private static long sizeOf(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException gone) {
          return 0; // compacted away while walking
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  private void counter(String name, String help, Consumer<CounterWithCallback.Callback> callback, String... labels) {
    CounterWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
  }

  private void gauge(String name, String help, Consumer<GaugeWithCallback.Callback> callback, String... labels) {
    GaugeWithCallback.builder().name(name).help(help).labelNames(labels).callback(callback).register(registry);
  }

  /**
   * One pass over the sessions per scrape, shared by the gauges that need it: sessions, queues and
   * inflight by state. A census younger than a second is reused.
   */
  private static final class SessionCensus {
    record Counts(long sessions, long queued, long queuedBytes) {}

    record Census(Counts online, Counts offline, long inflight, long shared, long takenAtNanos) {}

    private final BrokerContext broker;
    private Census last;

    SessionCensus(BrokerContext broker) {
      this.broker = broker;
    }

    synchronized Census get() {
      long now = System.nanoTime();
      if (last == null || now - last.takenAtNanos() > 1_000_000_000L) {
        last = take(now);
      }
      return last;
    }

    void byState(GaugeWithCallback.Callback cb, ToLongFunction<Counts> value) {
      Census c = get();
      cb.call(value.applyAsLong(c.online()), "online");
      cb.call(value.applyAsLong(c.offline()), "offline");
    }

    private Census take(long now) {
      long[] on = new long[3];
      long[] off = new long[3];
      long inflight = 0;
      long shared = 0;
      for (Session s : broker.sessions().all()) {
        long[] a = s.online() ? on : off;
        a[0]++;
        a[1] += s.queuedMessages();
        a[2] += s.queuedBytes();
        inflight += s.inflightMessages();
        for (Subscription sub : s.subscriptions().values()) {
          shared += sub.isShared() ? 1 : 0;
        }
      }
      return new Census(new Counts(on[0], on[1], on[2]), new Counts(off[0], off[1], off[2]), inflight, shared, now);
    }
  }
}
