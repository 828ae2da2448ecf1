package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.openegiz.flux.telemetry.Backoff.Jitter;
import io.openegiz.flux.telemetry.Backoff;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client of the reconnect storm: keeps its session (clean session false), subscribes at QoS 1 to
 * its own topic unless the broker kept the subscription, publishes one message there on every
 * connect, and reconnects with {@link #BACKOFF} whenever the connection drops.
 */
final class StormClient {
  /** Full jitter, 0-1 s, then 0-2 s: a fleet thrown off at once does not return at once. */
  static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(2), Jitter.FULL);

  private final ClientLoop loop;
  private final StormState state;
  private final MqttVersion version;
  private final String clientId;
  private final String topic;
  private int attempt;
  private int connectedEpoch = -1;
  private int deliveredEpoch = -1;
  private volatile Channel channel;

  StormClient(ClientLoop loop, StormState state, MqttVersion version, String clientId, String topic) {
    this.loop = loop;
    this.state = state;
    this.version = version;
    this.clientId = clientId;
    this.topic = topic;
  }

  void connect() {
    if (state.stopping()) {
      return;
    }
    state.attemptsInEpoch.increment();
    loop.connect(new Handler(version, clientId), null, t -> {}).addListener(f -> {
      if (!f.isSuccess()) {
        reconnectLater();
      }
    });
  }

  /** Sends DISCONNECT and closes; call after {@link StormState#stop()} so that no reconnect follows. */
  void close() {
    Channel ch = channel;
    if (ch != null && ch.isActive()) {
      ch.writeAndFlush(Frames.disconnect(ch.alloc())).addListener(f -> ch.close());
    }
  }

  Channel channel() {
    return channel;
  }

  private void reconnectLater() {
    if (state.stopping()) {
      return;
    }
    long delay = BACKOFF.delayMillis(attempt++, ThreadLocalRandom.current());
    loop.group().next().schedule(this::connect, delay, TimeUnit.MILLISECONDS);
  }

  private synchronized void connectedAgain() {
    attempt = 0;
    state.connectedNow.incrementAndGet();
    int epoch = state.epoch();
    if (connectedEpoch != epoch) {
      connectedEpoch = epoch;
      state.connected(System.nanoTime());
    }
  }

  private synchronized void deliveredAgain() {
    int epoch = state.epoch();
    if (deliveredEpoch != epoch && connectedEpoch == epoch) {
      deliveredEpoch = epoch;
      state.delivered(System.nanoTime());
    }
  }

  /** One connection's handler; a new one per attempt, as Netty handlers belong to one pipeline. */
  private final class Handler extends BenchConnection {
    private boolean counted;

    Handler(MqttVersion version, String clientId) {
      super(version, clientId, null);
    }

    @Override
    protected boolean cleanSession() {
      return false;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      channel = ctx.channel();
      super.channelActive(ctx);
    }

    @Override
    protected void onConnected(ChannelHandlerContext ctx) {
      counted = true;
      connectedAgain();
      if (sessionPresent) {
        publishOwn(ctx);
      } else {
        ctx.writeAndFlush(Frames.subscribe(ctx.alloc(), version, 1, topic, 1));
      }
    }

    private void publishOwn(ChannelHandlerContext ctx) {
      byte[] payload = (clientId + " back").getBytes(StandardCharsets.UTF_8);
      ctx.writeAndFlush(Frames.publish(ctx.alloc(), version, topic, 1, 2, payload));
    }

    @Override
    protected void onMqttPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body) {
      if (type == Frames.SUBACK) {
        publishOwn(ctx);
      } else if (type == Frames.PUBLISH) {
        if ((flags & 0x06) != 0) {
          int packetId = body.getUnsignedShort(2 + body.getUnsignedShort(0));
          ctx.writeAndFlush(Frames.ack(ctx.alloc(), Frames.PUBACK, packetId));
        }
        deliveredAgain();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (counted) {
        state.connectedNow.decrementAndGet();
      }
      super.channelInactive(ctx);
      reconnectLater();
    }
  }
}
