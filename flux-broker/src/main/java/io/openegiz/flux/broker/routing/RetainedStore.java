package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Message;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/** Retained messages, one per topic. Implementations are thread-safe. */
public interface RetainedStore {

  /** Stores the message as the topic's retained one, or clears it when the payload is empty [MQTT-3.3.1-6]. */
  void put(Message message);

  /**
   * Like {@link #put} and completes once the change is as durable as the store makes it; acknowledge
   * a retained PUBLISH after this. The in-memory store completes at once.
   */
  default CompletableFuture<Void> putDurably(Message message) {
    put(message);
    return CompletableFuture.completedFuture(null);
  }

  /** Calls the sink for each retained message whose topic matches the filter. */
  void forEachMatching(String filter, Consumer<Message> sink);

  /**
   * The retained messages matching the filter, found a few at a time so that a new subscription's
   * retained set can be sent in bounded slices. The stores of Flux walk their topic tree lazily; this
   * default collects every match at once, for stores that only implement {@link #forEachMatching}.
   */
  default RetainedCursor matching(String filter) {
    List<Message> all = new ArrayList<>();
    forEachMatching(filter, all::add);
    return RetainedCursor.of(all);
  }

  /** Number of retained messages. */
  int size();
}
