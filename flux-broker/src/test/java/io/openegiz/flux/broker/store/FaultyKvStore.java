package io.openegiz.flux.broker.store;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A {@link KvStore} that fails or holds writes on demand, in front of a real RocksDB store. */
final class FaultyKvStore implements KvStore {
  private final KvStore delegate;
  volatile boolean failing;
  volatile CountDownLatch gate = new CountDownLatch(0);

  FaultyKvStore(KvStore delegate) {
    this.delegate = delegate;
  }

  @Override
  public void write(List<KvWrite> writes, boolean sync) throws IOException {
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failing) {
      throw new DiskFullException("store", "No space left on device (injected)", null);
    }
    delegate.write(writes, sync);
  }

  @Override
  public void sync() throws IOException {
    if (failing) {
      throw new DiskFullException("store", "No space left on device (injected)", null);
    }
    delegate.sync();
  }

  @Override
  public void scanAll(Visitor visitor) throws IOException {
    delegate.scanAll(visitor);
  }

  @Override
  public void reopen() throws IOException {
    if (failing) {
      throw new IOException("still failing (injected)");
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
