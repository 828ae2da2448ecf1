package io.openegiz.flux.broker.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ConnectionCaps;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The handler of a listener's server channel, on the boss loop: it sees each accepted connection before
 * it is registered with a worker, and closes it there, before any TLS or MQTT work, when the listener is
 * full ({@code max_connections}), the broker is at its {@link DescriptorBudget}, or the remote address
 * already has {@code max_unauthenticated_per_address} connections without a CONNACK. When accept itself
 * fails (EMFILE, ENFILE) it stops accepting for a pause instead of retrying at once, so the boss loop does
 * not spin, and reports once per interval; accepting resumes by itself. Each refusal kind is reported by
 * a {@link RefusalLog}, never once per connection.
 */
public final class AcceptGuard extends ChannelInboundHandlerAdapter {
  /** How long accepting stops after accept failed (Netty's own acceptor waits 1 s too). */
  static final long ACCEPT_PAUSE_MILLIS = 1_000;

  private final String listener;
  private final int maxConnections;
  private final AtomicInteger open = new AtomicInteger();
  private final DescriptorBudget budget;
  private final ConnectionCaps caps;
  private final RefusalLog full;
  private final RefusalLog noDescriptors;
  private final RefusalLog unauthenticated;
  private final RefusalLog acceptFailed;

  /**
   * @param maxConnections the listener's cap, -1 for none
   */
  public AcceptGuard(String listener, int maxConnections, DescriptorBudget budget, ConnectionCaps caps,
      AuditLog audit) {
    this.listener = listener;
    this.maxConnections = maxConnections;
    this.budget = budget;
    this.caps = caps;
    this.full = new RefusalLog("max_connections", "max_connections " + maxConnections + " reached",
        audit, System::nanoTime);
    this.noDescriptors = new RefusalLog("open_files", "the broker is at its open-file limit ("
        + budget.maxConnections() + " connections; raise ulimit -n)", audit, System::nanoTime);
    this.unauthenticated = new RefusalLog("max_unauthenticated_per_address", "an address has "
        + caps.limits().maxUnauthenticatedPerAddress() + " connections without CONNACK"
        + " (max_unauthenticated_per_address)", audit, System::nanoTime);
    this.acceptFailed = new RefusalLog("accept_failed", "accept failed, pausing "
        + ACCEPT_PAUSE_MILLIS + " ms", audit, System::nanoTime);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    Channel child = (Channel) msg;
    RefusalLog refusal = maxConnections > 0 && open.get() >= maxConnections
        ? full
        : budget.full() ? noDescriptors : caps.admitUnauthenticated(child) ? null : unauthenticated;
    if (refusal != null) {
      // Never registered with a worker: closing it here frees the descriptor at once.
      child.unsafe().closeForcibly();
      refusal.refused(listenerName(ctx), child.remoteAddress(), null);
      return;
    }
    open.incrementAndGet();
    budget.opened();
    child.closeFuture().addListener(f -> {
      open.decrementAndGet();
      budget.closed();
    });
    ctx.fireChannelRead(child);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!(cause instanceof IOException)) {
      ctx.fireExceptionCaught(cause);
      return;
    }
    // accept() failed, typically "Too many open files". Retrying at once would spin the boss loop on a
    // level-triggered selector and log every attempt; not passing the exception on keeps Netty's acceptor
    // from logging a stack trace every second.
    acceptFailed.refused(listenerName(ctx), null, cause.getMessage());
    Channel server = ctx.channel();
    if (server.config().isAutoRead()) {
      server.config().setAutoRead(false);
      ctx.executor().schedule(() -> server.config().setAutoRead(true), ACCEPT_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
  }

  /** The listener as the logs name it, with the port actually bound when the configuration said 0. */
  private String listenerName(ChannelHandlerContext ctx) {
    int colon = listener.lastIndexOf(':');
    return listener.endsWith(":0") && ctx.channel().localAddress() instanceof InetSocketAddress a
        ? listener.substring(0, colon) + ":" + a.getPort()
        : listener;
  }

  /** Connections this listener holds now. */
  int open() {
    return open.get();
  }
}
