package io.openegiz.flux.broker.status;

import io.openegiz.flux.broker.metrics.CountingMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a snapshot of the broker and its fleet every {@link #TICK_MILLIS} on a thread of its own and
 * hands the newest to whoever waits for it (the page's event streams). Rates are taken at every tick;
 * the JSON is built only when someone reads it, once per tick however many read it.
 */
public final class StatusFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StatusFeed.class);
  /** How often the page is updated: an LWT shows within this of the broker routing it. */
  public static final long TICK_MILLIS = 1_000;

  /** One snapshot: its number (rising by one a tick) and its JSON as UTF-8. */
  record Snapshot(long seq, byte[] json) {}

  private final FleetView fleet;
  private final BrokerRates broker;
  private final Clock clock;
  private final Map<String, Supplier<Map<String, ?>>> sections = new ConcurrentHashMap<>();
  private final List<Runnable> onTick = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService ticker;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition ticked = lock.newCondition();
  private long seq;
  private Snapshot built;
  private boolean closed;

  public StatusFeed(FleetView fleet, CountingMetrics metrics, Clock clock) {
    this.fleet = fleet;
    this.clock = clock;
    this.broker = new BrokerRates(metrics, clock.millis());
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "flux-status");
      t.setDaemon(true);
      return t;
    });
    ticker.scheduleAtFixedRate(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
  }

  /**
   * Adds a section to every snapshot, e.g. {@code archiver} under {@code flux up}: its values are read at
   * each snapshot, on the feed's thread, and must be numbers, booleans or strings.
   */
  public void section(String name, Supplier<Map<String, ?>> values) {
    sections.put(name, values);
  }

  /** Runs {@code task} after every tick, on the feed's thread; it must be quick. */
  public void onTick(Runnable task) {
    onTick.add(task);
  }

  public FleetView fleet() {
    return fleet;
  }

  private void tick() {
    try {
      long now = clock.millis();
      broker.tick(now);
      for (Device d : fleet.unordered()) {
        d.rate(now);
      }
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log, and tick on.
      LOG.warn("status page: taking the rates failed", e);
    }
    lock.lock();
    try {
      seq++;
      ticked.signalAll();
    } finally {
      lock.unlock();
    }
    for (Runnable task : onTick) {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("status page: a task of the tick failed", e);
      }
    }
  }

  /** The newest snapshot, built now if this tick's is not built yet. */
  Snapshot current() {
    lock.lock();
    try {
      if (built == null || built.seq() != seq) {
        String json = StatusSnapshot.build(fleet, broker, sections, clock.millis());
        built = new Snapshot(seq, json.getBytes(StandardCharsets.UTF_8));
      }
      return built;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until a snapshot newer than {@code seq} exists (at most {@code timeoutMillis}) and returns it;
   * null when the feed is closed or the wait timed out.
   */
  Snapshot next(long afterSeq, long timeoutMillis) throws InterruptedException {
    lock.lock();
    try {
      long nanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (seq <= afterSeq && !closed) {
        if (nanos <= 0) {
          return null;
        }
        nanos = ticked.awaitNanos(nanos);
      }
      return closed ? null : current();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    lock.lock();
    try {
      closed = true;
      ticked.signalAll();
    } finally {
      lock.unlock();
    }
  }
}
