package io.openegiz.flux.broker.session;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * How many persistent sessions (session expiry above 0; 3.1.1 clean session 0) each identity holds,
 * for max_persistent_sessions_per_identity (issue 8, item 3). The index is kept outside the
 * {@link SessionRegistry} and checked against it when used: a session that ended, expired, became
 * non-persistent or went to another identity stops counting without the registry telling anyone.
 * Thread-safe.
 */
public final class PersistentSessionQuota {
  /** Every this many admissions, owners whose sessions are all gone are forgotten. */
  private static final int SWEEP_EVERY = 1024;

  private final SessionRegistry sessions;
  private final Map<String, Set<String>> byOwner = new HashMap<>();
  /** Client ids admitted whose CONNECT has not registered its session yet, with how many such CONNECTs. */
  private final Map<String, Integer> pending = new HashMap<>();
  private int sinceSweep;

  public PersistentSessionQuota(SessionRegistry sessions) {
    this.sessions = sessions;
  }

  /** Counts the persistent sessions recovered from the store. Start-up only. */
  public synchronized void seed(Collection<Session> restored) {
    for (Session s : restored) {
      if (s.expiryIntervalSeconds() > 0 && s.identity() != null) {
        byOwner.computeIfAbsent(s.identity().quotaOwner(), k -> new HashSet<>()).add(s.clientId());
      }
    }
  }

  /**
   * Records that {@code owner} opens or keeps a persistent session under {@code clientId}; false (and
   * nothing recorded) when that would be one more than {@code max} (0: no limit). Reusing a client id
   * whose persistent session the owner already holds never counts twice. An admitted client id counts
   * even before its session is registered, until {@link #settled} is called for it.
   */
  public synchronized boolean admit(String owner, String clientId, int max) {
    if (++sinceSweep >= SWEEP_EVERY) {
      sinceSweep = 0;
      byOwner.entrySet().removeIf(e -> {
        prune(e.getKey(), e.getValue(), null);
        return e.getValue().isEmpty();
      });
    }
    Set<String> ids = byOwner.computeIfAbsent(owner, k -> new HashSet<>());
    prune(owner, ids, clientId);
    if (max > 0 && !ids.contains(clientId) && ids.size() >= max) {
      return false;
    }
    ids.add(clientId);
    pending.merge(clientId, 1, Integer::sum);
    return true;
  }

  /**
   * The CONNECT admitted under {@code clientId} was decided (its session registered, or refused): from
   * now on the client id counts only while its session is held.
   */
  public synchronized void settled(String clientId) {
    pending.computeIfPresent(clientId, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Persistent sessions counted for an owner now. */
  public synchronized int count(String owner) {
    Set<String> ids = byOwner.get(owner);
    if (ids == null) {
      return 0;
    }
    prune(owner, ids, null);
    return ids.size();
  }

  private void prune(String owner, Set<String> ids, String keep) {
    ids.removeIf(id -> !id.equals(keep) && !pending.containsKey(id) && !heldBy(sessions.get(id), owner));
  }

  private static boolean heldBy(Session s, String owner) {
    return s != null && !s.ended() && s.expiryIntervalSeconds() > 0 && s.identity() != null
        && owner.equals(s.identity().quotaOwner());
  }
}
