package io.openegiz.flux.broker.security;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Bounds new connections per remote address per second; the excess is closed before any TLS or MQTT
 * work is spent on it. Loopback addresses are exempt: they are this machine's own services and load
 * tests. One instance serves every channel of a listener.
 */
@ChannelHandler.Sharable
public final class ConnectRateGuard extends ChannelInboundHandlerAdapter {

  private static final class Window {
    final AtomicLong second = new AtomicLong();
    final AtomicInteger count = new AtomicInteger();
  }

  private final int maxPerSecond;
  private final Map<InetAddress, Window> windows = new ConcurrentHashMap<>();
  private final Consumer<InetSocketAddress> onRefused;

  public ConnectRateGuard(int maxPerSecond, Consumer<InetSocketAddress> onRefused) {
    this.maxPerSecond = maxPerSecond;
    this.onRefused = onRefused;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
      int n = count(remote.getAddress(), System.nanoTime() / 1_000_000_000L);
      if (n > maxPerSecond) {
        if (n == maxPerSecond + 1) {
          onRefused.accept(remote); // reported once per address and second, not per refused connection
        }
        ctx.close();
        return;
      }
    }
    ctx.fireChannelActive();
    ctx.pipeline().remove(this); // one check per connection, then out of the way
  }

  /** This connection's number within its address's current second; 0 when exempt. */
  int count(InetAddress address, long second) {
    if (maxPerSecond == 0 || address.isLoopbackAddress()) {
      return 0;
    }
    if (windows.size() > 10_000) {
      expire(); // a scan of many addresses: keep the map from growing without bound
    }
    Window w = windows.computeIfAbsent(address, a -> new Window());
    long current = w.second.get();
    if (current != second && w.second.compareAndSet(current, second)) {
      w.count.set(0);
    }
    return w.count.incrementAndGet();
  }

  /** Drops the windows of addresses not seen this second, so the map stays small. */
  public void expire() {
    long now = System.nanoTime() / 1_000_000_000L;
    windows.values().removeIf(w -> w.second.get() < now - 1);
  }
}
