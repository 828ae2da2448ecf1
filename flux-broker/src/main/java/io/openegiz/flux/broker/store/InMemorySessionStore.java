package io.openegiz.flux.broker.store;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Sessions in a concurrent map: what {@code persistence false} means. */
public final class InMemorySessionStore<S> implements SessionStore<S> {
  private final Map<String, S> sessions = new ConcurrentHashMap<>();

  @Override
  public S get(String clientId) { return sessions.get(clientId); }
  @Override
  public void put(String clientId, S session) { sessions.put(clientId, session); }
  @Override
  public boolean remove(String clientId, S session) { return sessions.remove(clientId, session); }
  @Override
  public Collection<S> all() { return sessions.values(); }
  @Override
  public int size() { return sessions.size(); }
}
