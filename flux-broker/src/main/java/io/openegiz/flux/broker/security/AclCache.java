package io.openegiz.flux.broker.security;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The ACL decisions of one kind (publish or receive) for one connection or session, by topic, so that a message
 * costs a hash lookup instead of a walk of the ACL's patterns (issue 13). The decisions hold for one identity and
 * one generation of the rules: an ACL reload ({@link Authorizer#generation()}) or a new identity (a session taken
 * over) drops them all before the next check. At most {@link #CAPACITY} topics are kept; checks of further topics
 * are answered by the authorizer each time (no eviction, so a client touching many topics never thrashes the
 * cache). Thread-safe: a session's read decisions are checked by every publisher's event loop. One small map per
 * instance, allocated on the first decision: 10,000 idle connections cost 10,000 empty caches of each kind.
 */
public final class AclCache {
  /** Topics kept per connection or session. */
  public static final int CAPACITY = 16_384;

  private final Authorizer authorizer;
  private final boolean reads;
  private final boolean direct; // nothing worth remembering (no ACL): every check goes to the authorizer
  /** No decisions yet; shared, so that a connection that never publishes costs no map or record. */
  private static final Decisions NONE = new Decisions(-1, null, null);
  private volatile Decisions decisions = NONE;

  private record Decisions(long generation, ClientIdentity identity, ConcurrentHashMap<String, Boolean> byTopic) {
  }

  private AclCache(Authorizer authorizer, boolean reads) {
    this.authorizer = authorizer;
    this.reads = reads;
    this.direct = !authorizer.worthCaching();
  }

  /** A connection's publish rights: {@link Authorizer#canPublish}, remembered. */
  public static AclCache publishes(Authorizer authorizer) {
    return new AclCache(authorizer, false);
  }

  /** A session's read rights: {@link Authorizer#canReceive}, remembered. */
  public static AclCache receives(Authorizer authorizer) {
    return new AclCache(authorizer, true);
  }

  /** May {@code client} publish to (for {@link #publishes}) or receive from (for {@link #receives}) {@code topic}? */
  public boolean allows(ClientIdentity client, String topic) {
    if (direct) {
      return reads ? authorizer.canReceive(client, topic) : authorizer.canPublish(client, topic);
    }
    Decisions d = current(client);
    Boolean known = d.byTopic().get(topic);
    if (known != null) {
      return known;
    }
    boolean allowed = reads ? authorizer.canReceive(client, topic) : authorizer.canPublish(client, topic);
    if (d.byTopic().size() < CAPACITY) {
      d.byTopic().putIfAbsent(topic, allowed);
    }
    return allowed;
  }

  /** Topics remembered now (for tests and diagnostics). */
  public int size() {
    ConcurrentHashMap<String, Boolean> map = decisions.byTopic();
    return map == null ? 0 : map.size();
  }

  /**
   * The decisions for {@code client} under the rules in force. The generation is read before any decision is made
   * with the rules it stands for, so a decision stored under a generation was made with those rules or newer ones.
   */
  private Decisions current(ClientIdentity client) {
    long generation = authorizer.generation();
    Decisions d = decisions;
    if (d.generation() != generation || d.identity() != client) {
      d = new Decisions(generation, client, new ConcurrentHashMap<>(4));
      decisions = d;
    }
    return d;
  }
}
