package io.openegiz.flux.fleet.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.concurrent.locks.LockSupport;

/**
 * Connects the clients, kills the broker, starts it again on the same port and times how long the
 * clients take to be connected again and to have one QoS 1 message delivered again each.
 */
public final class ReconnectStormScenario {
  private final StormConfig config;
  private final BrokerControl broker;
  private final String label;
  private final Consumer<StormSample> progress;
  private final StormState state = new StormState();
  private final List<StormSample> samples = new ArrayList<>();
  private volatile String phase = "connect";

  public ReconnectStormScenario(StormConfig config, BrokerControl broker, String label,
      Consumer<StormSample> progress) {
    this.config = config;
    this.broker = broker;
    this.label = label;
    this.progress = progress;
  }

  /** One second of the storm: clients connected now, and connected and delivered since the restart. */
  public record StormSample(int second, String phase, int connectedNow, int connectedInEpoch, int deliveredInEpoch) {
  }

  public ReconnectStormReport run() throws Exception {
    String run = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger second = new AtomicInteger();
    ticker.scheduleAtFixedRate(() -> tick(second.incrementAndGet()), 1, 1, TimeUnit.SECONDS);
    List<StormClient> clients = new ArrayList<>(config.clients());
    try (ClientLoop loop = new ClientLoop(config.host(), config.port(), config.ioThreads())) {
      for (int i = 0; i < config.clients(); i++) {
        // at most connectConcurrency CONNECTs outstanding, so the first connect is not itself a storm
        await(() -> clients.size() - state.connectedInEpoch.get() < config.connectConcurrency(), 30_000);
        StormClient c = new StormClient(loop, state, config.version(), "storm-" + run + "-" + i,
            "flux-bench/storm/" + run + "/" + i);
        clients.add(c);
        c.connect();
      }
      long timeout = config.settleTimeout().toMillis();
      boolean ready = await(() -> state.deliveredInEpoch.get() == config.clients(), timeout);
      LatencySummary initialConnect = state.reconnectTimes();
      phase = "killed";
      long killAt = System.nanoTime();
      broker.kill();
      boolean allDropped = await(() -> state.connectedNow.get() == 0, timeout);
      long droppedMillis = (System.nanoTime() - killAt) / 1_000_000;
      state.beginEpoch(1);
      phase = "restart";
      long restartAt = System.nanoTime();
      broker.start();
      long listeningMillis = (System.nanoTime() - restartAt) / 1_000_000;
      phase = "reconnect";
      boolean allBack = await(() -> state.deliveredInEpoch.get() == config.clients(), timeout);
      tick(second.incrementAndGet());
      ticker.shutdownNow();
      ReconnectStormReport report = new ReconnectStormReport(label, config, ready, initialConnect, allDropped,
          droppedMillis, listeningMillis, state.connectedInEpoch.get(), state.deliveredInEpoch.get(),
          state.attemptsInEpoch.sum(), state.reconnectTimes(), state.deliveryTimes(), allBack,
          List.copyOf(samples));
      state.stop();
      clients.forEach(StormClient::close);
      for (StormClient c : clients) {
        if (c.channel() != null) {
          c.channel().closeFuture().await(1, TimeUnit.SECONDS);
        }
      }
      return report;
    } finally {
      state.stop();
      ticker.shutdownNow();
    }
  }

  private synchronized void tick(int second) {
    StormSample s = new StormSample(second, phase, state.connectedNow.get(), state.connectedInEpoch.get(),
        state.deliveredInEpoch.get());
    samples.add(s);
    progress.accept(s);
  }

  /** Polls {@code condition} every millisecond until it holds or {@code timeoutMillis} pass. */
  private static boolean await(BooleanSupplier condition, long timeoutMillis) {
    long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(1_000_000);
    }
    return true;
  }
}
