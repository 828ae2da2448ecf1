package io.openegiz.flux.fleet.sim;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Messages a device keeps while the broker is unreachable or its window is full (FR-1.7): at most
 * {@code capacity}; beyond that the oldest is dropped and counted, because the newest readings are worth more to a
 * digital twin.
 *
 * @param <T> the buffered message
 */
public final class OfflineBuffer<T> {
  /** The firmware's limit from FR-1.7. */
  public static final int FIRMWARE_CAPACITY = 1000;

  private final int capacity;
  private final ArrayDeque<T> queue;
  private long dropped;

  public OfflineBuffer(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, not " + capacity);
    }
    this.capacity = capacity;
    this.queue = new ArrayDeque<>(Math.min(capacity, 64));
  }

  /** Keeps {@code message}, dropping the oldest when full. */
  public synchronized void add(T message) {
    if (queue.size() == capacity) {
      queue.pollFirst();
      dropped++;
    }
    queue.addLast(message);
  }

  /**
   * Puts {@code message} back as the oldest, after a failed send. When the buffer is full it is the oldest, so it is
   * the one dropped and counted.
   */
  public synchronized void putBack(T message) {
    if (queue.size() == capacity) {
      dropped++;
    } else {
      queue.addFirst(message);
    }
  }

  /** Removes and returns the oldest kept message, or {@code null} when there is none. */
  public synchronized T poll() {
    return queue.pollFirst();
  }

  /** Removes and returns every kept message, oldest first. */
  public synchronized List<T> drain() {
    List<T> all = new ArrayList<>(queue);
    queue.clear();
    return all;
  }

  public synchronized int size() {
    return queue.size();
  }

  /** Messages dropped because the buffer was full, since creation. */
  public synchronized long dropped() {
    return dropped;
  }

  public int capacity() {
    return capacity;
  }
}
