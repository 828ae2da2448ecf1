package io.openegiz.flux.broker.store;

import io.netty.util.internal.PlatformDependent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that writes to the store. It takes every operation queued since its last commit
 * and writes them as one batch with one fsync (group commit), so callers never touch the disk and
 * the number of fsyncs follows the disk's speed, not the message rate. No artificial delay: while an
 * fsync runs, the next batch collects by itself.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final long RETRY_MILLIS = 100;

  private final KvStore kv;
  private final StoreOptions options;
  private final StoreStats stats;
  /**
   * Every event loop submits here, each message's operations one by one, and only this thread takes:
   * Netty's multi-producer single-consumer queue (JCTools), cheaper per offer than a lock or a
   * ConcurrentLinkedQueue's CAS loop under that contention.
   */
  private final Queue<StoreOp> queue = PlatformDependent.newMpscQueue();
  private final Deque<StoreOp> retry = new ArrayDeque<>();
  private final Thread thread;
  private volatile boolean closing;
  /** The writer is about to park or parked: the first submitter to clear this wakes it. */
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private boolean failing;
  private long unsyncedSinceNanos = -1;

  GroupCommitWriter(KvStore kv, StoreOptions options, StoreStats stats) {
    this.kv = kv;
    this.options = options;
    this.stats = stats;
    this.thread = Thread.ofPlatform().name("flux-store-writer").daemon().unstarted(this::run);
  }

  void start() {
    thread.start();
  }

  /** Queues the operation; its future completes on the writer thread. */
  CompletableFuture<Void> submit(StoreOp op) {
    if (closing) {
      op.future.completeExceptionally(new IllegalStateException("the store is closed"));
    } else {
      queue.add(op);
      if (sleeping.get() && sleeping.compareAndSet(true, false)) {
        LockSupport.unpark(thread); // one wake-up (a system call) per sleep, not one per submitter
      }
    }
    return op.future;
  }

  private void run() {
    List<StoreOp> ops = new ArrayList<>();
    while (!closing || !queue.isEmpty() || !retry.isEmpty()) {
      try {
        collect(ops);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      if (!ops.isEmpty()) {
        commit(ops);
        ops.clear();
      }
      periodicSync();
      if (closing && failing && queue.isEmpty()) {
        break; // do not spin on a dead disk at shutdown; retried operations stay pending
      }
    }
  }

  private void collect(List<StoreOp> ops) throws InterruptedException {
    ops.addAll(retry);
    retry.clear();
    long waitMillis = failing && !ops.isEmpty() ? RETRY_MILLIS : pollMillis();
    StoreOp first = ops.isEmpty() || failing ? poll(waitMillis) : queue.poll();
    if (first != null) {
      ops.add(first);
      StoreOp next;
      while (ops.size() < options.maxBatchOperations() && (next = queue.poll()) != null) {
        ops.add(next);
      }
    }
  }

  /** The next operation, waiting up to {@code millis} for one (a submit wakes the writer at once). */
  private StoreOp poll(long millis) throws InterruptedException {
    StoreOp op = queue.poll();
    if (op != null || millis <= 0) {
      return op;
    }
    sleeping.set(true); // then look once more: a submit either sees the flag or is seen by this poll
    try {
      op = queue.poll();
      if (op == null) {
        LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(millis));
        if (Thread.interrupted()) {
          throw new InterruptedException();
        }
        op = queue.poll();
      }
    } finally {
      sleeping.set(false);
    }
    return op;
  }

  private long pollMillis() {
    if (unsyncedSinceNanos < 0) {
      return 50;
    }
    long due = unsyncedSinceNanos + TimeUnit.MILLISECONDS.toNanos(options.periodicSyncMillis());
    return Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime()));
  }

  private void commit(List<StoreOp> ops) {
    List<KvWrite> writes = new ArrayList<>(ops.size() * 2);
    boolean durable = false;
    for (StoreOp op : ops) {
      op.stageInto(writes);
      durable |= op.durable;
    }
    boolean sync = durable && options.sync() == StoreOptions.Sync.GROUP_COMMIT;
    long start = System.nanoTime();
    try {
      if (failing) {
        kv.reopen();
      }
      kv.write(writes, sync);
    } catch (Exception e) {
      fail(ops, e);
      return;
    }
    stats.committed(ops.size(), sync, System.nanoTime() - start);
    if (!sync && unsyncedSinceNanos < 0) {
      unsyncedSinceNanos = System.nanoTime();
    }
    if (sync) {
      unsyncedSinceNanos = -1; // a synced write also syncs everything written before it
    }
    if (failing) {
      failing = false;
      LOG.warn("store: writes succeed again; new QoS 1/2 messages are accepted");
    }
    for (StoreOp op : ops) {
      op.future.complete(null);
    }
  }

  private void fail(List<StoreOp> ops, Exception cause) {
    stats.failed();
    if (!failing) {
      failing = true;
      LOG.error("store: cannot write ({}); refusing new QoS 1/2 messages and retrying every {} ms",
          cause.getMessage(), RETRY_MILLIS);
    }
    StoreUnavailableException refusal = new StoreUnavailableException("store unavailable: " + cause.getMessage(),
        cause);
    for (int i = ops.size() - 1; i >= 0; i--) {
      StoreOp op = ops.get(i);
      if (op.durable) {
        op.rollback();
        op.future.completeExceptionally(refusal);
      } else {
        retry.addFirst(op); // in their original order, ahead of anything newer
      }
    }
  }

  private void periodicSync() {
    if (unsyncedSinceNanos < 0 || failing) {
      return;
    }
    long age = System.nanoTime() - unsyncedSinceNanos;
    // Under group commit only acknowledgements and removals are unsynced: syncing them lazily costs
    // at most a redelivery after a crash, never a loss.
    if (closing || age >= TimeUnit.MILLISECONDS.toNanos(options.periodicSyncMillis())) {
      try {
        long start = System.nanoTime();
        kv.sync();
        stats.synced(System.nanoTime() - start);
        unsyncedSinceNanos = -1;
      } catch (Exception e) {
        failing = true;
        stats.failed();
        LOG.error("store: fsync failed ({}); writes since the last fsync may be lost in a crash", e.getMessage());
      }
    }
  }

  /** Writes what is queued, stops the thread. */
  @Override
  public void close() {
    closing = true;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
