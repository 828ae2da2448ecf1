package io.openegiz.flux.fleet.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs the fan-in scenario: connects the subscribers, then the publishers, publishes for warm-up
 * plus duration while sampling once a second, waits for in-flight messages to drain, and reports.
 * All connections share one small event loop group (one thread by default) to keep the generator lean.
 */
public final class FanInScenario {
  private static final long CONNECT_TIMEOUT_MS = 10_000;

  private final BenchConfig config;
  private final String label;
  private final Consumer<Sample> progress;
  private final BenchStats stats;
  private final List<PublisherHandler> publishers = new ArrayList<>();
  private final List<SubscriberHandler> subscribers = new ArrayList<>();
  private final List<Channel> channels = new ArrayList<>();
  private LatencySummary measuredLatency;

  public FanInScenario(BenchConfig config, String label, Consumer<Sample> progress) {
    this.config = config;
    this.label = label;
    this.progress = progress;
    this.stats = new BenchStats(config.publishers());
  }

  /** Runs the whole scenario; blocks for about warm-up + duration + drain. */
  public BenchReport run() throws IOException, InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(config.ioThreads(), io);
    try {
      Bootstrap bootstrap = new Bootstrap().group(group)
          .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
          .option(ChannelOption.TCP_NODELAY, true)
          .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT_MS);
      String run = Long.toString(System.nanoTime() & 0xFFFFFF, 36);
      String prefix = config.topicPrefix() + "/" + run;
      for (int i = 0; i < config.subscribers(); i++) {
        subscribers.add(connect(bootstrap, new SubscriberHandler(config.version(), "bench-s" + i + "-" + run, stats,
            prefix + "/#", config.qos(), config.publishers())));
      }
      double ratePerPublisher = (double) config.ratePerSecond() / config.publishers();
      for (int i = 0; i < config.publishers(); i++) {
        PublishTemplate template = new PublishTemplate(config.version(), prefix + "/p" + i, config.qos(), i,
            config.payloadBytes());
        publishers.add(connect(bootstrap, new PublisherHandler(config.version(), "bench-p" + i + "-" + run, stats,
            template, config.qos(), config.window(), ratePerPublisher, i, config.subscribers(),
            config.windowScope() == BenchConfig.WindowScope.DELIVERY)));
      }
      if (config.windowScope() == BenchConfig.WindowScope.DELIVERY) {
        stats.onDelivered(() -> publishers.forEach(PublisherHandler::wake));
      }
      List<Sample> samples = publishAndSample();
      boolean drained = drain();
      for (Channel ch : channels) {
        ch.writeAndFlush(Frames.disconnect(ch.alloc())).addListener(f -> ch.close());
      }
      for (Channel ch : channels) {
        ch.closeFuture().await(2, TimeUnit.SECONDS);
      }
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
      return report(samples, drained);
    } finally {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
    }
  }

  private <H extends BenchConnection> H connect(Bootstrap bootstrap, H handler)
      throws IOException, InterruptedException {
    Channel ch = bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel c) {
        c.pipeline().addLast(handler);
      }
    }).connect(config.host(), config.port()).await().channel();
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
    return handler;
  }

  private List<Sample> publishAndSample() throws InterruptedException {
    int warmup = (int) config.warmup().toSeconds();
    int total = warmup + (int) config.duration().toSeconds();
    List<Sample> samples = new ArrayList<>(total);
    SampleClock clock = new SampleClock(stats);
    long start = System.nanoTime();
    clock.reset();
    for (PublisherHandler p : publishers) {
      p.start(start);
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
    return BenchReport.aggregate(label, config, samples, measuredLatency, totals, drained);
  }
}
