package io.openegiz.flux.fleet.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
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
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The event loop group and bootstrap the connection scenarios share: epoll when available, TCP_NODELAY,
 * and an optional TLS client handler in front of the MQTT handler.
 */
final class ClientLoop implements AutoCloseable {
  static final int CONNECT_TIMEOUT_MS = 10_000;

  private final EventLoopGroup group;
  private final Bootstrap bootstrap;
  private final String host;
  private final int port;

  ClientLoop(String host, int port, int ioThreads) {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    this.group = new MultiThreadIoEventLoopGroup(ioThreads, io);
    this.host = host;
    this.port = port;
    this.bootstrap = new Bootstrap().group(group)
        .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MS);
  }

  EventLoopGroup group() {
    return group;
  }

  /**
   * Connects {@code handler}; with {@code tls}, an SslHandler goes first and {@code onHandshake} gets
   * the nanoTime at which the handshake completed (or is not called if it fails).
   */
  ChannelFuture connect(ChannelHandler handler, SslContext tls, Consumer<Long> onHandshake) {
    return bootstrap.clone().handler(new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel c) {
        if (tls != null) {
          SslHandler ssl = tls.newHandler(c.alloc(), host, port);
          ssl.setHandshakeTimeoutMillis(CONNECT_TIMEOUT_MS);
          ssl.handshakeFuture().addListener(f -> {
            if (f.isSuccess()) {
              onHandshake.accept(System.nanoTime());
            }
          });
          c.pipeline().addLast(ssl);
        }
        c.pipeline().addLast(handler);
      }
    }).connect(host, port);
  }

  @Override
  public void close() throws InterruptedException {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
  }
}
