package io.openegiz.flux.broker.store;

import java.util.Collection;

/**
 * Where sessions live, by client id. The in-memory implementation is a concurrent map; the durable
 * one (durability issue) writes through to disk. Implementations are thread-safe.
 *
 * @param <S> the session type
 */
public interface SessionStore<S> {

  S get(String clientId);

  void put(String clientId, S session);

  /** Removes the entry only if it is still this session; true when it was removed. */
  boolean remove(String clientId, S session);

  Collection<S> all();

  int size();
}
