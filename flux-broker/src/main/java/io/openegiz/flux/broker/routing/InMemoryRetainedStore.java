package io.openegiz.flux.broker.routing;

import io.openegiz.flux.broker.message.Message;
import java.util.function.Consumer;

/**
 * Retained messages in a concurrent topic tree: a filter walks only the branches it can match, so a
 * narrow wildcard costs the same with a million retained topics as with a hundred.
 */
public final class InMemoryRetainedStore implements RetainedStore {
  private final RetainedTree tree = new RetainedTree();

  @Override
  public void put(Message message) {
    tree.put(message);
  }

  @Override
  public void forEachMatching(String filter, Consumer<Message> sink) {
    tree.forEachMatching(filter, sink);
  }

  @Override
  public RetainedCursor matching(String filter) {
    return tree.matching(filter);
  }

  @Override
  public int size() {
    return tree.size();
  }
}
