package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.routing.Message;
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

  /** Number of retained messages. */
  int size();
}
