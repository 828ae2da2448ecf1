package io.openegiz.flux.broker.metrics;

import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.FastThreadLocalThread;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fixed set of counters that threads add to without contention: each thread writes its own stripe with a plain
 * store, and a reader sums the stripes. An add on the per-message path is a thread-local array lookup (an array
 * index on Netty's event-loop threads, {@link FastThreadLocalThread}) and one store, where a {@code LongAdder} is a
 * compare-and-set on a cell two event loops may share.
 *
 * <p>Stripes live as long as the counters, so that nothing counted is lost when a thread ends. The event loops are
 * few and fixed; so that threads that come and go cannot grow the stripes without bound, the first
 * {@value #MAX_STRIPES} threads get one and later ones add to one shared atomic stripe. A sum read while threads add
 * is a moment's snapshot, never lower than an earlier sum of the same counter (each stripe only grows).
 */
public final class StripedCounters {
  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  /** Longs before the first counter and after the last, so that two stripes never share a cache line. */
  private static final int PAD = 8;
  /** Threads with a stripe of their own; the rest share one. */
  static final int MAX_STRIPES = 64;
  private static final long[] SHARED = new long[0];

  private final int size;
  private final CopyOnWriteArrayList<long[]> stripes = new CopyOnWriteArrayList<>();
  private final AtomicLongArray shared;
  private final FastThreadLocal<long[]> local = new FastThreadLocal<>() {
    @Override
    protected long[] initialValue() {
      synchronized (stripes) {
        if (stripes.size() >= MAX_STRIPES) {
          return SHARED;
        }
        long[] stripe = new long[PAD + size + PAD];
        stripes.add(stripe);
        return stripe;
      }
    }
  };

  /** @param size the number of counters, indexed from 0 */
  public StripedCounters(int size) {
    this.size = size;
    this.shared = new AtomicLongArray(size);
  }

  /** Adds {@code n} to counter {@code i}. */
  public void add(int i, long n) {
    long[] stripe = local.get();
    if (stripe != SHARED) {
      int at = PAD + i;
      // One writer per stripe: a plain read of its own value, an opaque store so that readers see whole values.
      LONGS.setOpaque(stripe, at, stripe[at] + n);
    } else {
      shared.getAndAdd(i, n);
    }
  }

  /** Adds one to counter {@code i}. */
  public void increment(int i) {
    add(i, 1);
  }

  /** Counter {@code i} summed over every stripe. */
  public long sum(int i) {
    long total = shared.get(i);
    for (long[] stripe : stripes) {
      total += (long) LONGS.getOpaque(stripe, PAD + i);
    }
    return total;
  }

  /** Stripes of their own so far (at most {@value #MAX_STRIPES}). */
  int stripes() {
    return stripes.size();
  }

  /** The sum of counters {@code from} (inclusive) to {@code to} (exclusive). */
  public long sum(int from, int to) {
    long total = 0;
    for (int i = from; i < to; i++) {
      total += sum(i);
    }
    return total;
  }
}
