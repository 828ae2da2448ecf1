package io.openegiz.flux.broker.store;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Which message ids each session still has queued, and how many sessions hold each shared message: a
 * message queued for several sessions is stored once and deleted with its last reference; one queued
 * for a single session lives inside its queue entry and needs no count. Touched by the writer thread
 * only (and at recovery, before the writer starts); rebuilt from the queue keys at every start, so
 * reference counts are never written to disk.
 */
final class QueueIndex {
  private final Map<String, Set<Long>> queued = new HashMap<>();
  private final Map<Long, Integer> references = new HashMap<>();

  /** @param shared true when the message is stored under its own key for several queues */
  void add(String clientId, long id, boolean shared) {
    if (queued.computeIfAbsent(clientId, k -> new HashSet<>()).add(id) && shared) {
      references.merge(id, 1, Integer::sum);
    }
  }

  boolean contains(String clientId, long id) {
    Set<Long> ids = queued.get(clientId);
    return ids != null && ids.contains(id);
  }

  /** Removes one entry; true when it held a shared message's last reference, so the message can be deleted. */
  boolean remove(String clientId, long id) {
    Set<Long> ids = queued.get(clientId);
    if (ids == null || !ids.remove(id)) {
      return false;
    }
    if (ids.isEmpty()) {
      queued.remove(clientId);
    }
    return release(id);
  }

  /** Removes the session's references; returns the ids of messages nobody references any more. */
  Set<Long> removeClient(String clientId) {
    Set<Long> ids = queued.remove(clientId);
    Set<Long> unreferenced = new HashSet<>();
    if (ids != null) {
      for (long id : ids) {
        if (release(id)) unreferenced.add(id);
      }
    }
    return unreferenced;
  }

  boolean referenced(long id) {
    return references.containsKey(id);
  }

  int queuedCount(String clientId) {
    Set<Long> ids = queued.get(clientId);
    return ids == null ? 0 : ids.size();
  }

  private boolean release(long id) {
    Integer n = references.get(id);
    if (n == null) {
      return false; // inline in its queue entry
    }
    if (n == 1) {
      references.remove(id);
      return true;
    }
    references.put(id, n - 1);
    return false;
  }
}
