package io.openegiz.flux.broker.routing;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import io.openegiz.flux.broker.message.Subscription;

/**
 * The members of one shared subscription group for one filter ({@code $share/{name}/{filter}}).
 * {@link #next} picks a member round-robin and is safe from any thread; membership changes are
 * made by {@link SubscriptionTree} under its node lock.
 */
public final class SharedGroup {

  private static final Subscription[] EMPTY = new Subscription[0];

  private final String name;
  private final String filter;
  // Copy-on-write: groups are small and picked far more often than they change.
  private volatile Subscription[] members = EMPTY;
  private final AtomicInteger cursor = new AtomicInteger();

  SharedGroup(String name, String filter) {
    this.name = name;
    this.filter = filter;
  }

  /** The share name. */
  public String name() {
    return name;
  }

  /** The topic filter, without the {@code $share/{name}/} prefix. */
  public String filter() {
    return filter;
  }

  /** A snapshot of the current members. */
  public List<Subscription> subscriptions() {
    return List.of(members);
  }

  /** The current number of members. */
  public int size() {
    return members.length;
  }

  /**
   * Picks the next member round-robin, preferring members whose client id satisfies
   * {@code preferClient} (typically: connected) and falling back to any member when none does.
   * Returns null when the group has become empty (it is then being removed from the tree).
   */
  public Subscription next(Predicate<String> preferClient) {
    while (true) {
      Subscription[] snapshot = members;
      int n = snapshot.length;
      if (n == 0) {
        return null;
      }
      int start = cursor.get();
      int base = Math.floorMod(start, n);
      int offset = 0;
      while (offset < n && !preferClient.test(snapshot[(base + offset) % n].clientId())) {
        offset++;
      }
      if (offset == n) {
        offset = 0; // nobody preferred: plain round-robin over everyone
      }
      // Move the cursor past the chosen member so preferred members share evenly even when
      // non-preferred ones sit between them; on contention retry rather than double-pick.
      if (cursor.compareAndSet(start, start + offset + 1)) {
        return snapshot[(base + offset) % n];
      }
    }
  }

  /** Adds or replaces the member with the same client id; returns the replaced one. */
  Subscription put(Subscription s) {
    Subscription[] current = members;
    for (int i = 0; i < current.length; i++) {
      if (current[i].clientId().equals(s.clientId())) {
        Subscription[] copy = current.clone();
        copy[i] = s;
        members = copy;
        return current[i];
      }
    }
    Subscription[] copy = Arrays.copyOf(current, current.length + 1);
    copy[current.length] = s;
    members = copy;
    return null;
  }

  /** Removes the member with that client id; returns true when there was one. */
  boolean remove(String clientId) {
    Subscription[] current = members;
    for (int i = 0; i < current.length; i++) {
      if (current[i].clientId().equals(clientId)) {
        Subscription[] copy = new Subscription[current.length - 1];
        System.arraycopy(current, 0, copy, 0, i);
        System.arraycopy(current, i + 1, copy, i, current.length - i - 1);
        members = copy;
        return true;
      }
    }
    return false;
  }

  boolean isEmpty() {
    return members.length == 0;
  }

  @Override
  public String toString() {
    return "SharedGroup[" + name + ", " + filter + ", " + members.length + " members]";
  }
}
