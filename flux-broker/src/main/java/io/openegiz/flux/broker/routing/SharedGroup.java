package io.openegiz.flux.broker.routing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/** TEMPORARY stub of a shared subscription group. */
public final class SharedGroup {
  final List<Subscription> members = new CopyOnWriteArrayList<>();
  private final AtomicInteger next = new AtomicInteger();

  public Subscription next(Predicate<String> prefer) {
    List<Subscription> m = List.copyOf(members);
    if (m.isEmpty()) return null;
    int start = Math.floorMod(next.getAndIncrement(), m.size());
    for (int i = 0; i < m.size(); i++) {
      Subscription s = m.get((start + i) % m.size());
      if (prefer.test(s.clientId())) return s;
    }
    return m.get(start);
  }
}
