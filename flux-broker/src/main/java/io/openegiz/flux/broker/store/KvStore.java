package io.openegiz.flux.broker.store;

import java.io.IOException;
import java.util.List;

/**
 * The small synchronous store under {@link DurableStore}: ordered keys, atomic batches, a write-ahead
 * log that can be fsync'd. Only the store's writer thread writes; reads happen at start-up.
 */
interface KvStore extends AutoCloseable {

  /** Receives keys in order during a scan. */
  interface Visitor {
    void visit(byte[] key, byte[] value);
  }

  /** Applies the writes atomically; with sync, returns only after they are fsync'd. */
  void write(List<KvWrite> writes, boolean sync) throws IOException;

  /** Fsyncs everything written so far. */
  void sync() throws IOException;

  /** Calls the visitor for every key, in key order. */
  void scanAll(Visitor visitor) throws IOException;

  /** Makes the store writable again after a failed write (for RocksDB: reopen it). */
  void reopen() throws IOException;

  @Override
  void close();
}
