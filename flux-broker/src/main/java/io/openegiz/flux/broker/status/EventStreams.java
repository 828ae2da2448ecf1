package io.openegiz.flux.broker.status;

import java.net.SocketAddress;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page's event streams: at most a fixed number open at once, and a stream whose reader stopped reading is
 * dropped. A reader that stops (a suspended laptop, or on purpose: a full TCP window) leaves its write blocked
 * for ever; without this, that many stalled readers held every place and locked every browser out. A write
 * that made no progress for {@link #STALL_TICKS} ticks of the feed is ended by interrupting its thread, which
 * closes the connection's channel under it.
 */
final class EventStreams {
  private static final Logger LOG = LoggerFactory.getLogger(EventStreams.class);
  /** Ticks of the feed (seconds) a write may go without progress before its stream is dropped. */
  static final int STALL_TICKS = 5;
  /** Bytes written between two marks of progress: a reader slower than this per {@link #STALL_TICKS} is dropped. */
  static final int SLICE = 4096;
  private static final long IDLE = -1;

  private final int max;
  private final AtomicInteger count = new AtomicInteger();
  private final Set<Slot> open = ConcurrentHashMap.newKeySet();
  private final AtomicLong ticks = new AtomicLong();
  private final AtomicLong dropped = new AtomicLong();

  EventStreams(int max) {
    this.max = max;
  }

  /** A place for a stream from {@code peer}, or null when all are taken. */
  Slot take(SocketAddress peer) {
    if (count.incrementAndGet() > max) {
      count.decrementAndGet();
      return null;
    }
    Slot slot = new Slot(peer);
    open.add(slot);
    return slot;
  }

  /** Called on every tick of the feed: drops the streams whose write has not moved for too long. */
  void tick() {
    long now = ticks.incrementAndGet();
    for (Slot s : open) {
      long since = s.progress;
      if (since != IDLE && now - since >= STALL_TICKS && open.remove(s)) {
        s.dropped = true;
        long total = dropped.incrementAndGet();
        LOG.warn("status event stream to {} dropped: its reader took nothing for {} s ({} dropped since start)",
            s.peer, STALL_TICKS, total);
        s.thread.interrupt(); // the blocked write's channel is closed under it
      }
    }
  }

  int open() {
    return count.get();
  }

  long dropped() {
    return dropped.get();
  }

  /** One stream's place; used by its own thread only, apart from {@link #tick()}. */
  final class Slot implements AutoCloseable {
    private final Thread thread = Thread.currentThread();
    private final SocketAddress peer;
    private volatile long progress = IDLE;
    private volatile boolean dropped;
    private boolean closed;

    private Slot(SocketAddress peer) {
      this.peer = peer;
    }

    /** Marks that the stream's write is under way and has moved: the stall is counted from now. */
    void moved() {
      progress = ticks.get();
    }

    /** Marks that nothing is being written: waiting for the next snapshot is not a stall. */
    void idle() {
      progress = IDLE;
    }

    /** Whether {@link #tick()} dropped this stream (its thread was interrupted for it). */
    boolean dropped() {
      return dropped;
    }

    @Override
    public void close() {
      if (!closed) {
        closed = true;
        open.remove(this);
        count.decrementAndGet();
      }
    }
  }
}
