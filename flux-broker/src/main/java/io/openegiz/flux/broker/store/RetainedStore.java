package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.routing.Message;
import java.util.function.Consumer;

/** Retained messages, one per topic. Implementations are thread-safe. */
public interface RetainedStore {

  /** Stores the message as the topic's retained one, or clears it when the payload is empty [MQTT-3.3.1-6]. */
  void put(Message message);

  /** Calls the sink for each retained message whose topic matches the filter. */
  void forEachMatching(String filter, Consumer<Message> sink);

  /** Number of retained messages. */
  int size();
}
