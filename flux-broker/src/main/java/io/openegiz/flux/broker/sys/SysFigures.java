package io.openegiz.flux.broker.sys;

import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.metrics.DropReason;
import io.openegiz.flux.broker.session.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads the current value of every {@code $SYS} topic, by topic below {@code $SYS/broker/}, with
 * Mosquitto's meanings (docs/sys.md has the list), plus Flux's own below {@code flux/}. The load averages
 * are kept by {@link SysTree}, which owns their state.
 */
final class SysFigures {
  private final SysSources sources;
  private long maxClients;

  SysFigures(SysSources sources) {
    this.sources = sources;
  }

  /** The counters the load averages follow, by topic below {@code $SYS/broker/load/}. */
  Map<String, Long> loadCounters() {
    CountingMetrics m = sources.metrics();
    SysSources.Packets p = sources.packets();
    return Map.ofEntries(
        Map.entry("messages/received", p.received().getAsLong()),
        Map.entry("messages/sent", p.sent().getAsLong()),
        Map.entry("publish/received", m.messagesReceived()),
        Map.entry("publish/sent", m.messagesSent()),
        Map.entry("publish/dropped", m.droppedTotal()),
        Map.entry("bytes/received", m.bytesReceived()),
        Map.entry("bytes/sent", m.bytesSent()),
        Map.entry("connections", p.connects().getAsLong()),
        Map.entry("sockets", p.sockets().getAsLong()));
  }

  /** Puts every figure but uptime, version and the loads into {@code out}. */
  void read(Map<String, String> out) {
    clients(out);
    CountingMetrics m = sources.metrics();
    out.put("messages/received", n(sources.packets().received().getAsLong()));
    out.put("messages/sent", n(sources.packets().sent().getAsLong()));
    out.put("publish/messages/received", n(m.messagesReceived()));
    out.put("publish/messages/sent", n(m.messagesSent()));
    out.put("publish/messages/dropped", n(m.droppedTotal()));
    out.put("publish/bytes/received", n(m.payloadBytesReceived()));
    out.put("publish/bytes/sent", n(m.payloadBytesSent()));
    out.put("bytes/received", n(m.bytesReceived()));
    out.put("bytes/sent", n(m.bytesSent()));
    out.put("subscriptions/count", n(sources.subscriptions().subscriptionCount()));
    out.put("retained messages/count", n(sources.retained().size()));
    queuesAndStore(out);
    heap(out);
    for (DropReason r : DropReason.values()) {
      out.put("flux/dropped/" + r.name().toLowerCase(Locale.ROOT), n(m.dropped(r)));
    }
    out.put("flux/audit/dropped", n(m.auditEventsDropped()));
    if (sources.extra() != null) {
      sources.extra().get().forEach((topic, value) -> out.put("flux/" + topic, value));
    }
  }

  /** Mosquitto's clients/total counts every session, online or not; maximum is the highest total seen. */
  private void clients(Map<String, String> out) {
    long total = sources.sessions().size();
    long connected = Math.min(total, sources.metrics().clientsConnected());
    maxClients = Math.max(maxClients, total);
    out.put("clients/total", n(total));
    out.put("clients/maximum", n(maxClients));
    out.put("clients/connected", n(connected));
    out.put("clients/active", n(connected));
    out.put("clients/disconnected", n(total - connected));
    out.put("clients/inactive", n(total - connected));
    out.put("clients/expired", n(sources.sessions().expiredCount()));
  }

  /**
   * Mosquitto's store holds retained and queued messages alike; so does this count. Shared subscriptions
   * and queues are summed over the sessions: a walk of at most a few thousand maps every interval.
   */
  private void queuesAndStore(Map<String, String> out) {
    long queued = 0;
    long queuedBytes = 0;
    long shared = 0;
    for (Session s : sources.sessions().all()) {
      queued += s.queuedMessages();
      queuedBytes += s.queuedBytes();
      shared += s.subscriptions().values().stream().filter(sub -> sub.shareGroup() != null).count();
    }
    out.put("shared_subscriptions/count", n(shared));
    long stored = sources.retained().size() + queued;
    out.put("store/messages/count", n(stored));
    out.put("messages/stored", n(stored));
    out.put("store/messages/bytes", n(sources.retainedQuota().bytes() + queuedBytes));
    out.put("flux/queued/messages", n(queued));
    out.put("flux/queued/bytes", n(queuedBytes));
    out.put("flux/retained/bytes", n(sources.retainedQuota().bytes()));
    if (sources.store() != null) {
      out.put("flux/store/writes", n(sources.store().operations()));
      out.put("flux/store/batches", n(sources.store().batches()));
      out.put("flux/store/syncs", n(sources.store().syncs()));
      out.put("flux/store/write_failures", n(sources.store().failedBatches()));
    }
    if (sources.storeLocation() != null) {
      out.put("flux/store/bytes", n(sizeOf(sources.storeLocation())));
    }
  }

  /** The JVM heap in use, and the highest it has been (the heap pools' peaks). */
  private static void heap(Map<String, String> out) {
    long current = 0;
    long peak = 0;
    List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
    for (MemoryPoolMXBean pool : pools) {
      if (pool.getType() == MemoryType.HEAP && pool.isValid()) {
        current += pool.getUsage().getUsed();
        peak += pool.getPeakUsage().getUsed();
      }
    }
    out.put("heap/current", n(current));
    out.put("heap/maximum", n(Math.max(current, peak)));
  }

  /** Bytes of the files under {@code dir}; files that vanish while counted (compaction) count 0. */
  private static long sizeOf(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(f -> {
        try {
          return Files.isRegularFile(f) ? Files.size(f) : 0;
        } catch (IOException gone) {
          return 0;
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }

  private static String n(long value) {
    return Long.toString(value);
  }
}
