package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/** A client that only connects: its future completes with the nanoTime of CONNACK, or fails. */
final class IdleClient extends BenchConnection {
  private final CompletableFuture<Long> connected = new CompletableFuture<>();

  IdleClient(MqttVersion version, String clientId) {
    super(version, clientId, null);
  }

  CompletableFuture<Long> connected() {
    return connected;
  }

  @Override
  protected void onConnected(ChannelHandlerContext ctx) {
    connected.complete(System.nanoTime());
    markReady();
  }

  @Override
  protected void onMqttPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body) {
    // an idle client expects nothing after CONNACK but PINGRESP, which BenchConnection drops
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    connected.completeExceptionally(new IOException(clientId + ": closed before CONNACK"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    connected.completeExceptionally(cause);
    super.exceptionCaught(ctx, cause);
  }
}
