package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Topics;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import io.openegiz.flux.broker.store.DurableStore;
import io.openegiz.flux.broker.store.RecoveredState;

/**
 * Retained messages written through to the {@link DurableStore}, the record of truth, and indexed in
 * memory by an {@link InMemoryRetainedStore} topic tree rebuilt from {@link RecoveredState#retained()}
 * at start-up. Matching never touches the disk. The broker's {@code $SYS} messages stay in memory only,
 * as in Mosquitto: they describe the running process and are published again after a restart.
 */
public final class DurableRetainedStore implements RetainedStore {
  private final InMemoryRetainedStore memory = new InMemoryRetainedStore();
  private final DurableStore store;

  /** Wraps the store and loads the retained messages recovered from it. */
  public DurableRetainedStore(DurableStore store, Iterable<Message> recovered) {
    this.store = store;
    recovered.forEach(memory::put);
  }

  @Override
  public void put(Message message) {
    putDurably(message);
  }

  @Override
  public CompletableFuture<Void> putDurably(Message message) {
    // Memory first so that subscribers see it at once; the caller acknowledges on the future.
    memory.put(message);
    if (Topics.isSys(message.topic())) {
      return CompletableFuture.completedFuture(null); // live figures, republished at start: never written
    }
    return store.putRetained(message);
  }

  @Override
  public void forEachMatching(String filter, Consumer<Message> sink) {
    memory.forEachMatching(filter, sink);
  }

  @Override
  public RetainedCursor matching(String filter) {
    return memory.matching(filter);
  }

  @Override
  public int size() {
    return memory.size();
  }
}
