package io.openegiz.flux.broker.store;

import java.nio.file.Path;
import java.util.Objects;

/**
 * How the durable store is opened and when it syncs to disk.
 *
 * @param directory the persistence folder ({@code persistence_location})
 * @param sync when writes are fsync'd
 * @param periodicSyncMillis for {@link Sync#PERIODIC}: at most this long between two fsyncs
 * @param maxBatchOperations most operations committed in one write batch
 */
public record StoreOptions(Path directory, Sync sync, long periodicSyncMillis, int maxBatchOperations) {

  /** When a write counts as done. */
  public enum Sync {
    /** A durable write completes after an fsync shared with every write pending at the time. */
    GROUP_COMMIT,
    /** A durable write completes once in the write-ahead log; the log is fsync'd every period. */
    PERIODIC
  }

  public StoreOptions {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(sync, "sync");
    if (periodicSyncMillis < 1) {
      throw new IllegalArgumentException("periodicSyncMillis must be at least 1: " + periodicSyncMillis);
    }
    if (maxBatchOperations < 1) {
      throw new IllegalArgumentException("maxBatchOperations must be at least 1: " + maxBatchOperations);
    }
  }

  /** Group commit with the default batch size: the setting that loses nothing acknowledged. */
  public static StoreOptions groupCommit(Path directory) {
    return new StoreOptions(directory, Sync.GROUP_COMMIT, 100, 10_000);
  }

  /** Periodic fsync every {@code millis}. */
  public static StoreOptions periodic(Path directory, long millis) {
    return new StoreOptions(directory, Sync.PERIODIC, millis, 10_000);
  }
}
