package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A publisher: sends pre-encoded PUBLISH frames, keeping at most {@code window} QoS 1/2 messages
 * unacknowledged. In closed loop it refills the window on every acknowledgement; in open loop a
 * 1 ms tick releases the messages due by the schedule, each stamped with its intended send time so
 * that a stalled broker shows up in latency instead of silently slowing the schedule.
 */
final class PublisherHandler extends BenchConnection {
  /** At most this many sends per turn, so reads and other connections on the loop are not starved. */
  private static final int BATCH = 256;

  private final PublishTemplate template;
  private final int qos;
  private final int window;
  private final double ratePerNano;
  private final int index;
  private final int subscribers;
  private final boolean deliveryWindow;
  private final boolean[] inUse = new boolean[65_536];
  private ChannelHandlerContext ctx;
  private ScheduledFuture<?> ticker;
  private long startNanos;
  private boolean started;
  private boolean pendingFill;
  private int nextPacketId = 1;
  private int inflight;
  private long due;
  private volatile long sent; // written only by this connection's event loop

  /** Publisher {@code index} of the run's {@code config}; the configured rate is shared by all publishers. */
  PublisherHandler(BenchConfig config, String clientId, BenchStats stats, PublishTemplate template, int index) {
    super(config.version(), clientId, stats);
    this.template = template;
    this.qos = config.qos();
    this.window = config.window();
    this.ratePerNano = (double) config.ratePerSecond() / config.publishers() / 1e9;
    this.index = index;
    this.subscribers = config.subscribers();
    this.deliveryWindow = config.windowScope() == BenchConfig.WindowScope.DELIVERY;
  }

  /** Lets the publisher re-check its window from any thread (deliveries are seen by subscribers). */
  void wake() {
    if (ctx == null || !started) {
      return;
    }
    if (ctx.executor().inEventLoop()) {
      fill();
    } else {
      ctx.executor().execute(this::fill);
    }
  }

  /** Messages published so far; exact once the event loop has stopped. */
  long sent() {
    return sent;
  }

  /** Starts publishing; call on any thread, the work runs on the connection's event loop. */
  void start(long startAtNanos) {
    ctx.executor().execute(() -> {
      startNanos = startAtNanos;
      started = true;
      if (ratePerNano >= 1e-6) {
        ticker = ctx.executor().scheduleAtFixedRate(this::tick, 0, 1, TimeUnit.MILLISECONDS);
      } else if (ratePerNano > 0) {
        scheduleNext(); // under one message per millisecond: wake exactly when the next one is due
      } else {
        fill();
      }
    });
  }

  @Override
  protected void onConnected(ChannelHandlerContext c) {
    this.ctx = c;
    markReady();
  }

  @Override
  protected void onMqttPacket(ChannelHandlerContext c, int type, int flags, ByteBuf body) {
    switch (type) {
      case Frames.PUBACK, Frames.PUBCOMP -> complete(body.getUnsignedShort(0));
      case Frames.PUBREC -> c.write(Frames.ack(c.alloc(), Frames.PUBREL, body.getUnsignedShort(0)));
      default -> {
      }
    }
    pendingFill = true;
  }

  private void complete(int packetId) {
    if (inUse[packetId]) {
      inUse[packetId] = false;
      inflight--;
      stats.acked.increment();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext c) throws Exception {
    if (pendingFill) {
      pendingFill = false;
      fill(); // refill once per read batch and flush the PUBRELs with it
    }
    super.channelReadComplete(c);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext c) throws Exception {
    if (c.channel().isWritable()) {
      fill();
    }
    super.channelWritabilityChanged(c);
  }

  private void scheduleNext() {
    if (stats.stopping()) {
      return;
    }
    // message k is due at start + k / rate; a microsecond late so that rounding never wakes us too early
    long at = startNanos + (long) (due / ratePerNano) + 1_000;
    ticker = ctx.executor().schedule(() -> {
      tick();
      scheduleNext();
    }, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
  }

  private void tick() {
    if (stats.stopping()) {
      ticker.cancel(false);
      return;
    }
    long elapsed = System.nanoTime() - startNanos;
    // message k (from 0) is due once elapsed >= k / rate, so k + 1 messages are due by then
    long nowDue = elapsed < 0 ? 0 : (long) (elapsed * ratePerNano) + 1;
    if (nowDue > due) {
      stats.offered.add(nowDue - due);
      due = nowDue;
    }
    fill();
  }

  private void fill() {
    if (!started || ctx == null) {
      return;
    }
    int n = 0;
    while (n < BATCH && canSend()) {
      send();
      n++;
    }
    ctx.flush();
    if (n == BATCH && canSend()) {
      ctx.executor().execute(this::fill); // more to do: yield to other work on the loop first
    }
  }

  private boolean canSend() {
    if (stats.stopping() || !ctx.channel().isActive()) {
      return false;
    }
    if (ratePerNano > 0 && sent >= due) {
      return false;
    }
    if (deliveryWindow && qos > 0 && sent - stats.deliveredByPublisher.get(index) / subscribers >= window) {
      return false;
    }
    return qos > 0 ? inflight < window : ctx.channel().isWritable();
  }

  private void send() {
    long seq = sent;
    int packetId = 0;
    if (qos > 0) {
      packetId = nextFreePacketId();
      inUse[packetId] = true;
      inflight++;
    }
    // Open loop: stamp the time the schedule wanted, so waiting for the window counts as latency.
    long stamp = ratePerNano > 0 ? startNanos + (long) (seq / ratePerNano) : System.nanoTime();
    ctx.write(template.encode(ctx.alloc(), packetId, seq, stamp), ctx.voidPromise());
    sent = seq + 1;
    stats.sent.increment();
    if (ratePerNano == 0) {
      stats.offered.increment();
    }
  }

  private int nextFreePacketId() {
    int id = nextPacketId;
    while (inUse[id]) {
      id = id == 65_535 ? 1 : id + 1;
    }
    nextPacketId = id == 65_535 ? 1 : id + 1;
    return id;
  }
}
