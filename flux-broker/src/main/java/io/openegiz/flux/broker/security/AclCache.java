package io.openegiz.flux.broker.security;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The ACL decisions of one connection or session, by topic, so that a message costs a hash lookup instead of a walk
 * of the ACL's patterns (issue 13). The decisions hold for one identity and one generation of the rules: an ACL
 * reload ({@link Authorizer#generation()}) or a new identity (a session taken over) drops them all before the next
 * check. At most {@link #CAPACITY} topics per kind are kept; checks of further topics are answered by the
 * authorizer each time (no eviction, so a client touching many topics never thrashes the cache). Thread-safe: a
 * session's read decisions are checked by every publisher's event loop.
 */
public final class AclCache {
  /** Topics kept per kind (publish, receive) and per connection or session. */
  public static final int CAPACITY = 16_384;

  private final Authorizer authorizer;
  private volatile Decisions decisions;

  private record Decisions(long generation, ClientIdentity identity, ConcurrentHashMap<String, Boolean> writes,
      ConcurrentHashMap<String, Boolean> reads) {
    Decisions(long generation, ClientIdentity identity) {
      this(generation, identity, new ConcurrentHashMap<>(4), new ConcurrentHashMap<>(4));
    }
  }

  public AclCache(Authorizer authorizer) {
    this.authorizer = authorizer;
    this.decisions = new Decisions(-1, null);
  }

  /** {@link Authorizer#canPublish}, remembered. */
  public boolean canPublish(ClientIdentity client, String topic) {
    Decisions d = current(client);
    Boolean known = d.writes().get(topic);
    return known != null ? known : remember(d.writes(), topic, authorizer.canPublish(client, topic));
  }

  /** {@link Authorizer#canReceive}, remembered. */
  public boolean canReceive(ClientIdentity client, String topic) {
    Decisions d = current(client);
    Boolean known = d.reads().get(topic);
    return known != null ? known : remember(d.reads(), topic, authorizer.canReceive(client, topic));
  }

  /** Topics remembered now, both kinds together (for tests and diagnostics). */
  public int size() {
    Decisions d = decisions;
    return d.writes().size() + d.reads().size();
  }

  /**
   * The decisions for {@code client} under the rules in force. The generation is read before any decision is made
   * with the rules it stands for, so a decision stored under a generation was made with those rules or newer ones.
   */
  private Decisions current(ClientIdentity client) {
    long generation = authorizer.generation();
    Decisions d = decisions;
    if (d.generation() != generation || d.identity() != client) {
      d = new Decisions(generation, client);
      decisions = d;
    }
    return d;
  }

  private static boolean remember(ConcurrentHashMap<String, Boolean> map, String topic, boolean allowed) {
    if (map.size() < CAPACITY) {
      map.putIfAbsent(topic, allowed);
    }
    return allowed;
  }
}
