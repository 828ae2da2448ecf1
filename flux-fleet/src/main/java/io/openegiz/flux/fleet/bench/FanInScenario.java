package io.openegiz.flux.fleet.bench;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import org.HdrHistogram.Histogram;

/**
 * Runs the fan-in scenario: connects the subscribers, then the publishers, publishes for warm-up
 * plus duration while sampling once a second, waits for in-flight messages to drain, and reports.
 * All connections share one small event loop group (one thread by default) to keep the generator lean.
 */
public final class FanInScenario {
  private static final long CONNECT_TIMEOUT_MS = ClientLoop.CONNECT_TIMEOUT_MS;
  /** Connection progress is reported after every this many publishers. */
  private static final int CONNECT_PROGRESS_EVERY = 1_000;

  private final BenchConfig config;
  private final String label;
  private final Consumer<Sample> progress;
  private final BenchStats stats;
  private final List<PublisherHandler> publishers = new ArrayList<>();
  private final List<SubscriberHandler> subscribers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private final TopicPlan plan;
  /** Microseconds from connect call to CONNACK (and SUBACK for subscribers), per connection. */
  private final Histogram connectTimes = new Histogram(1, BenchStats.MAX_LATENCY_MICROS, 3);
  private LatencySummary measuredLatency;
  private Identities identities = Identities.none();
  private IntConsumer connecting = n -> {};
  private Runnable connected = () -> {};

  public FanInScenario(BenchConfig config, String label, Consumer<Sample> progress) {
    this(config, label, progress, TopicPlan.fanIn(config.topicPrefix(), config.payloadBytes()));
  }

  /** A scenario with its own topics and payload sizes, such as the spec's fleet. */
  public FanInScenario(BenchConfig config, String label, Consumer<Sample> progress, TopicPlan plan) {
    this.plan = plan;
    this.config = config;
    this.label = label;
    this.progress = progress;
    this.stats = new BenchStats(config.publishers());
  }

  /** Connects each client with its TLS context and credentials (default: plain TCP, none). */
  public FanInScenario secured(Identities clients) {
    this.identities = clients;
    return this;
  }

  /**
   * {@code progressEvery} gets the number of publishers connected so far every thousand of them;
   * {@code allConnected} runs once every connection is open, just before publishing starts.
   */
  public FanInScenario onConnect(IntConsumer progressEvery, Runnable allConnected) {
    this.connecting = progressEvery;
    this.connected = allConnected;
    return this;
  }

  /** Runs the whole scenario; blocks for about warm-up + duration + drain. */
  public BenchReport run() throws IOException, InterruptedException {
    List<Sample> samples;
    boolean drained;
    try (ClientLoop loop = new ClientLoop(config.host(), config.port(), config.ioThreads())) {
      String run = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
      for (int i = 0; i < config.subscribers(); i++) {
        SubscriberHandler s = new SubscriberHandler(config.version(), "bench-s" + i + "-" + run, stats,
            plan.subscriberFilter(run, i), config.qos(), config.publishers());
        subscribers
            .add(connect(loop, s, identities.subscriberTls().apply(i), identities.subscriberLogin().apply(i)));
      }
      for (int i = 0; i < config.publishers(); i++) {
        PublishTemplate template = new PublishTemplate(config.version(), plan.publisherTopic(run, i), config.qos(), i,
            plan.payloadBytes(i), plan.filler(i));
        publishers.add(connect(loop, new PublisherHandler(config, "bench-p" + i + "-" + run, stats, template, i),
            identities.publisherTls().apply(i), identities.publisherLogin().apply(i)));
        if ((i + 1) % CONNECT_PROGRESS_EVERY == 0) {
          connecting.accept(i + 1);
        }
      }
      connected.run();
      if (config.windowScope() == BenchConfig.WindowScope.DELIVERY) {
        stats.onDelivered(() -> publishers.forEach(PublisherHandler::wake));
      }
      samples = publishAndSample();
      drained = drain();
      for (Channel ch : channels) {
        ch.writeAndFlush(Frames.disconnect(ch.alloc())).addListener(f -> ch.close());
      }
      for (Channel ch : channels) {
        ch.closeFuture().await(2, TimeUnit.SECONDS);
      }
    }
    return report(samples, drained); // the trackers are read once the event loop has stopped
  }

  private <H extends BenchConnection> H connect(ClientLoop loop, H handler, SslContext tls, Login login)
      throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    handler.login(login);
    Channel ch = loop.connect(handler, tls, at -> {}).await().channel();
    if (!ch.isActive()) {
      throw new IOException("cannot connect to " + config.host() + ":" + config.port());
    }
    channels.add(ch);
    Future<Void> ready = handler.ready();
    if (!ready.await(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
      throw new IOException(label + ": no CONNACK/SUBACK within " + CONNECT_TIMEOUT_MS + " ms");
    }
    if (!ready.isSuccess()) {
      throw new IOException(label + ": " + ready.cause().getMessage(), ready.cause());
    }
    connectTimes.recordValue(Math.max(1, Math.min(BenchStats.MAX_LATENCY_MICROS, (System.nanoTime() - t0) / 1_000)));
    return handler;
  }

  private List<Sample> publishAndSample() throws InterruptedException {
    int warmup = (int) config.warmup().toSeconds();
    int total = warmup + (int) config.duration().toSeconds();
    List<Sample> samples = new ArrayList<>(total);
    SampleClock clock = new SampleClock(stats);
    long start = System.nanoTime();
    clock.reset();
    // spread publishers over one period of their own rate, so a slow fleet does not send in lock step
    double periodNanos = config.openLoop() ? 1e9 * config.publishers() / config.ratePerSecond() : 0;
    for (int i = 0; i < publishers.size(); i++) {
      long phase = periodNanos >= 1e6 ? (long) (periodNanos * i / publishers.size()) : 0;
      publishers.get(i).start(start + phase);
    }
    for (int second = 1; second <= total; second++) {
      long wakeAt = start + second * 1_000_000_000L;
      long sleep = wakeAt - System.nanoTime();
      if (sleep > 0) {
        TimeUnit.NANOSECONDS.sleep(sleep);
      }
      Sample s = clock.sample(second, second <= warmup);
      samples.add(s);
      progress.accept(s);
    }
    stats.stop();
    measuredLatency = clock.measuredLatency();
    return samples;
  }

  /** Waits until every sent message is acknowledged and delivered, or nothing moves for two seconds. */
  private boolean drain() throws InterruptedException {
    long deadline = System.nanoTime() + config.drainTimeout().toNanos();
    long lastProgress = -1;
    long stillSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long sent = stats.sent.sum();
      long acked = stats.acked.sum();
      long delivered = stats.delivered.sum();
      boolean done = delivered >= sent * config.subscribers() && (config.qos() == 0 || acked >= sent);
      if (done) {
        return true;
      }
      long progressMark = acked + delivered;
      if (progressMark != lastProgress) {
        lastProgress = progressMark;
        stillSince = System.nanoTime();
      } else if (config.qos() == 0 && System.nanoTime() - stillSince > 2_000_000_000L) {
        return true; // QoS 0 may lose messages; once nothing arrives any more, the rest is gone
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    return false;
  }

  private BenchReport report(List<Sample> samples, boolean drained) {
    long[] sent = publishers.stream().mapToLong(PublisherHandler::sent).toArray();
    long lost = 0;
    long gaps = 0;
    long foreign = 0;
    for (SubscriberHandler s : subscribers) {
      lost += s.tracker().lost(sent);
      gaps += s.tracker().gaps(sent);
      foreign += s.tracker().foreign();
    }
    Totals totals = new Totals(stats.offered.sum(), stats.sent.sum(), stats.acked.sum(), stats.delivered.sum(),
        stats.duplicates.sum(), lost, gaps, foreign);
    return BenchReport.aggregate(label, config, samples, measuredLatency, totals, drained)
        .withConnect(LatencySummary.of(connectTimes));
  }
}
