package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.routing.Message;
import io.openegiz.flux.broker.routing.Topics;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Retained messages in a concurrent map. An exact filter is a single lookup; a wildcard filter scans
 * the map, which is cheap for the few thousand retained status topics a factory has.
 */
public final class InMemoryRetainedStore implements RetainedStore {
  private final Map<String, Message> byTopic = new ConcurrentHashMap<>();

  @Override
  public void put(Message message) {
    if (message.payload().length == 0) {
      byTopic.remove(message.topic());
    } else {
      byTopic.put(message.topic(), message);
    }
  }

  @Override
  public void forEachMatching(String filter, Consumer<Message> sink) {
    if (filter.indexOf('+') < 0 && filter.indexOf('#') < 0) {
      Message m = byTopic.get(filter);
      if (m != null) sink.accept(m);
      return;
    }
    for (Message m : byTopic.values()) {
      if (Topics.matches(filter, m.topic())) sink.accept(m);
    }
  }

  @Override
  public int size() {
    return byTopic.size();
  }
}
