package io.openegiz.flux.broker.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import io.openegiz.flux.broker.message.Delivery;

/**
 * The deliveries of one drain batch, from its first stored QoS 2 delivery on, held until the QoS 2
 * packet ids are on disk; the later ones wait too so that the batch keeps its order.
 */
final class DrainHold {
  final List<Delivery> deliveries = new ArrayList<>();
  /** The packet id each delivery got, 0 for QoS 0. */
  final List<Integer> packetIds = new ArrayList<>();

  void add(Delivery d, int packetId) {
    deliveries.add(d);
    packetIds.add(packetId);
  }

  /** Stores the packet id of every stored QoS 2 delivery; one future for the whole batch. */
  CompletableFuture<Void> markInflight(SessionPersistence persistence, String clientId) {
    List<CompletableFuture<Void>> marks = new ArrayList<>();
    for (int i = 0; i < deliveries.size(); i++) {
      Delivery d = deliveries.get(i);
      if (d.qos() == 2 && d.storeId() != 0) {
        marks.add(persistence.markInflight(clientId, d.storeId(), packetIds.get(i)));
      }
    }
    return CompletableFuture.allOf(marks.toArray(CompletableFuture[]::new));
  }
}
