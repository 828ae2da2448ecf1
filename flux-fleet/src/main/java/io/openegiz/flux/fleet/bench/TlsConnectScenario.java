package io.openegiz.flux.fleet.bench;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Measures TLS handshake and handshake + CONNACK time per client (NFR-6): first one client at a time,
 * then a burst of many. Times run from the TCP connect call, so they include the TCP handshake.
 */
public final class TlsConnectScenario {
  private final TlsConnectConfig config;
  private final SslContext tls;
  private final String label;
  private final Consumer<ConnectSample> progress;
  private final List<ConnectSample> samples = new ArrayList<>();
  private final LongAdder connected = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final Recorder interval = new Recorder(1, BenchStats.MAX_LATENCY_MICROS, 3);
  private volatile String phase = "sequential";

  public TlsConnectScenario(TlsConnectConfig config, SslContext tls, String label, Consumer<ConnectSample> progress) {
    this.config = config;
    this.tls = tls;
    this.label = label;
    this.progress = progress;
  }

  /** Runs both phases and disconnects every client. */
  public TlsConnectReport run() throws InterruptedException {
    String run = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long start = System.nanoTime();
    AtomicInteger second = new AtomicInteger();
    ticker.scheduleAtFixedRate(() -> tick(second.incrementAndGet()), 1, 1, TimeUnit.SECONDS);
    try (ClientLoop loop = new ClientLoop(config.host(), config.port(), config.ioThreads())) {
      Phase sequential = new Phase();
      for (int i = 0; i < config.sequential(); i++) {
        Channel ch = sequential.connect(loop, "tls-seq" + i + "-" + run);
        sequential.done.await(); // not a barrier: each client counts down once it has its CONNACK or failed
        sequential.done = new CountDownLatch(1);
        if (ch != null) {
          ch.writeAndFlush(Frames.disconnect(ch.alloc())).addListener(f -> ch.close());
          ch.closeFuture().await(2, TimeUnit.SECONDS);
        }
      }
      phase = "burst";
      Phase burst = new Phase();
      burst.done = new CountDownLatch(config.clients());
      Semaphore slots = new Semaphore(config.concurrency());
      long burstStart = System.nanoTime();
      List<Channel> open = new ArrayList<>();
      for (int i = 0; i < config.clients(); i++) {
        slots.acquire();
        Channel ch = burst.connect(loop, "tls-burst" + i + "-" + run, slots::release);
        if (ch != null) {
          open.add(ch);
        }
      }
      burst.done.await(ClientLoop.CONNECT_TIMEOUT_MS * 3L, TimeUnit.MILLISECONDS);
      long burstNanos = System.nanoTime() - burstStart;
      tick(second.incrementAndGet());
      ticker.shutdownNow();
      disconnect(open);
      return new TlsConnectReport(label, config, sequential.summary(), burst.summary(), burstNanos / 1_000_000,
          (System.nanoTime() - start) / 1_000_000, List.copyOf(samples));
    } finally {
      ticker.shutdownNow();
    }
  }

  private synchronized void tick(int second) {
    Histogram h = interval.getIntervalHistogram();
    ConnectSample s = new ConnectSample(second, phase, connected.sum(), failed.sum(),
        h.getTotalCount() == 0 ? 0 : h.getValueAtPercentile(99));
    samples.add(s);
    progress.accept(s);
  }

  private static void disconnect(List<Channel> channels) throws InterruptedException {
    for (Channel ch : channels) {
      if (ch.isActive()) {
        ch.writeAndFlush(Frames.disconnect(ch.alloc())).addListener(f -> ch.close());
      }
    }
    for (Channel ch : channels) {
      ch.closeFuture().await(2, TimeUnit.SECONDS);
    }
  }

  /** The timings of one phase; histograms are written from the event loops, so under this Phase's monitor. */
  private final class Phase {
    final Histogram handshake = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
    final Histogram connack = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
    final LongAdder phaseFailed = new LongAdder();
    /** Counted down once per client when it has its CONNACK or has failed. */
    volatile CountDownLatch done = new CountDownLatch(1);

    Channel connect(ClientLoop loop, String clientId) {
      return connect(loop, clientId, () -> {});
    }

    Channel connect(ClientLoop loop, String clientId, Runnable finished) {
      IdleClient client = new IdleClient(config.version(), clientId);
      long t0 = System.nanoTime();
      CountDownLatch latch = done;
      Channel ch = loop.connect(client, tls, at -> record(handshake, at - t0)).channel();
      client.connected().whenComplete((at, error) -> {
        if (error == null) {
          record(connack, at - t0);
          interval.recordValue(micros(at - t0));
          connected.increment();
        } else {
          phaseFailed.increment();
          failed.increment();
        }
        finished.run();
        latch.countDown();
      });
      return ch;
    }

    private synchronized void record(Histogram h, long nanos) {
      h.recordValue(micros(nanos));
    }

    synchronized TlsConnectReport.PhaseSummary summary() {
      return new TlsConnectReport.PhaseSummary(connack.getTotalCount(), phaseFailed.sum(),
          LatencySummary.of(handshake), LatencySummary.of(connack));
    }
  }

  private static long micros(long nanos) {
    return Math.max(1, Math.min(BenchStats.MAX_LATENCY_MICROS, nanos / 1_000));
  }
}
