package io.openegiz.flux.broker.transport;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker-wide connection cap that keeps the process below its open-file limit ({@code ulimit -n}):
 * the limit, less the descriptors in use when the listeners start, less a reserve for the broker's own
 * later files (store, logs, reloaded certificates). A connection beyond it is closed at accept, so the
 * broker never reaches EMFILE through connections and the connections it holds keep working.
 */
public final class DescriptorBudget {
  private static final Logger LOG = LoggerFactory.getLogger(DescriptorBudget.class);
  private static final int MIN_RESERVE = 64;
  private static final int MAX_RESERVE = 1024;

  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();

  private DescriptorBudget(int maxConnections) {
    this.maxConnections = maxConnections;
  }

  /** Reads the process's limit and usage now; no cap where the JVM cannot tell (not Unix). */
  public static DescriptorBudget measure() {
    if (!(ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean os)) {
      return new DescriptorBudget(0);
    }
    long limit = os.getMaxFileDescriptorCount();
    long inUse = os.getOpenFileDescriptorCount();
    if (limit <= 0 || inUse < 0) {
      return new DescriptorBudget(0);
    }
    long reserve = Math.clamp(limit / 10, MIN_RESERVE, MAX_RESERVE);
    int cap = (int) Math.clamp(limit - inUse - reserve, 1, Integer.MAX_VALUE);
    LOG.info("open-file limit {}, {} in use: at most {} connections at once, {} descriptors kept for the"
        + " broker's own files", limit, inUse, cap, reserve);
    return new DescriptorBudget(cap);
  }

  /** A budget with a fixed cap (0 = none), for tests. */
  static DescriptorBudget of(int maxConnections) {
    return new DescriptorBudget(maxConnections);
  }

  /** Broker-wide connection cap; 0 when there is none. */
  public int maxConnections() {
    return maxConnections;
  }

  boolean full() {
    return maxConnections > 0 && open.get() >= maxConnections;
  }

  void opened() {
    open.incrementAndGet();
  }

  void closed() {
    open.decrementAndGet();
  }
}
