package io.openegiz.flux.broker.security;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The publish-rate buckets (SEC-5), one per identity rather than per connection, so that reconnecting
 * does not refill the bucket and parallel connections of one identity share its rate (issue 8, item 3).
 * A bucket no connection holds is forgotten once it has refilled, which is when forgetting it changes
 * nothing; until then a reconnecting client gets the same, partly empty, bucket back. Thread-safe.
 */
public final class PublishBuckets {
  /** Idle buckets are looked for at most this often, by whichever call comes first. */
  private static final long SWEEP_NANOS = 10_000_000_000L;

  private static final class Entry {
    final TokenBucket bucket;
    int holders;

    Entry(TokenBucket bucket) {
      this.bucket = bucket;
    }
  }

  private final Map<String, Entry> byOwner = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;
  private long lastSweep;

  public PublishBuckets() {
    this(System::nanoTime);
  }

  /** With another time source ({@link System#nanoTime} semantics), for tests. */
  PublishBuckets(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.lastSweep = nanoTime.getAsLong();
  }

  /**
   * The bucket of an identity ({@link ClientIdentity#quotaOwner()}) at this rate and burst, shared with
   * its other connections; give it back with {@link #release} when the connection ends. Connections of
   * one identity with different limits (per-listener overrides) get separate buckets.
   */
  public TokenBucket acquire(String owner, int rate, int burst) {
    long now = nanoTime.getAsLong();
    sweep(now);
    Entry e = byOwner.compute(key(owner, rate, burst), (k, old) -> {
      Entry n = old != null ? old : new Entry(new TokenBucket(rate, burst, now));
      n.holders++;
      return n;
    });
    return e.bucket;
  }

  /** A connection that held the bucket ended. */
  public void release(String owner, int rate, int burst) {
    byOwner.computeIfPresent(key(owner, rate, burst), (k, e) -> {
      e.holders--;
      return e;
    });
    sweep(nanoTime.getAsLong());
  }

  /** Number of buckets kept, held or refilling. */
  public int size() {
    return byOwner.size();
  }

  private void sweep(long now) {
    synchronized (this) {
      if (now - lastSweep < SWEEP_NANOS) {
        return;
      }
      lastSweep = now;
    }
    byOwner.forEach((k, e) -> byOwner.computeIfPresent(k, (k2, cur) -> cur.holders <= 0 && cur.bucket.full(now)
        ? null
        : cur));
  }

  private static String key(String owner, int rate, int burst) {
    return rate + "/" + burst + "/" + owner;
  }
}
