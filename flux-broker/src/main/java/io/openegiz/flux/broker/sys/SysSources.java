package io.openegiz.flux.broker.sys;

import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.routing.RetainedStore;
import io.openegiz.flux.broker.routing.SubscriptionTree;
import io.openegiz.flux.broker.session.SessionRegistry;
import io.openegiz.flux.broker.store.StoreStats;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Where the {@code $SYS} figures come from. Everything is read, nothing reset.
 *
 * @param packets the transport's packet and socket counters
 * @param store the store's writer counters, or null without {@code persistence true}
 * @param storeLocation the store's folder (its size is reported), or null without persistence
 * @param extra more figures under {@code $SYS/broker/flux/}, by topic below it (e.g. the archiver's under
 *     {@code flux up}); read on every publication
 */
public record SysSources(CountingMetrics metrics, SessionRegistry sessions, SubscriptionTree subscriptions,
    RetainedStore retained, RetainedQuota retainedQuota, Packets packets, StoreStats store, Path storeLocation,
    Supplier<Map<String, String>> extra) {

  /**
   * MQTT packets of every type read and written, CONNECT packets read and sockets accepted.
   */
  public record Packets(LongSupplier received, LongSupplier sent, LongSupplier connects, LongSupplier sockets) {}
}
