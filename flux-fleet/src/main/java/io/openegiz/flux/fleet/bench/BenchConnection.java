package io.openegiz.flux.fleet.bench;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** What publisher and subscriber connections share: CONNECT on connect, CONNACK check, keep-alive pings. */
abstract class BenchConnection extends MqttPacketReader {
  static final int KEEP_ALIVE_SECONDS = 60;

  protected final MqttVersion version;
  protected final String clientId;
  protected final BenchStats stats;
  private Promise<Void> ready;
  /** The CONNACK's session present flag: the broker kept this client's subscriptions. */
  protected boolean sessionPresent;
  private ScheduledFuture<?> pinger;
  private Login login;

  BenchConnection(MqttVersion version, String clientId, BenchStats stats) {
    this.version = version;
    this.clientId = clientId;
    this.stats = stats;
  }

  /** CONNECT with this username and password; call before connecting. */
  BenchConnection login(Login credentials) {
    this.login = credentials;
    return this;
  }

  /** Completes once the connection can carry the benchmark (CONNACK, and SUBACK for subscribers). */
  Promise<Void> ready() {
    return ready;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ready = ctx.executor().newPromise();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    ctx.writeAndFlush(Frames.connect(ctx.alloc(), version, clientId, KEEP_ALIVE_SECONDS, cleanSession(), login));
    pinger = ctx.executor().scheduleAtFixedRate(() -> ctx.writeAndFlush(Frames.pingreq(ctx.alloc())),
        KEEP_ALIVE_SECONDS / 2, KEEP_ALIVE_SECONDS / 2, TimeUnit.SECONDS);
    super.channelActive(ctx);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (pinger != null) {
      pinger.cancel(false);
    }
    ready.tryFailure(new IOException(clientId + ": connection closed by the broker"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ready.tryFailure(cause);
    ctx.close();
  }

  @Override
  protected final void onPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body) {
    if (type == Frames.CONNACK) {
      int code = body.getUnsignedByte(1);
      if (code != 0) {
        ready.tryFailure(new IOException(clientId + ": CONNACK refused, code 0x" + Integer.toHexString(code)));
        ctx.close();
        return;
      }
      sessionPresent = (body.getUnsignedByte(0) & 0x01) != 0;
      onConnected(ctx);
    } else if (type != Frames.PINGRESP) {
      onMqttPacket(ctx, type, flags, body);
    }
  }

  /** Whether CONNECT asks for a clean session; the reconnect storm keeps its sessions. */
  protected boolean cleanSession() {
    return true;
  }

  protected void markReady() {
    ready.trySuccess(null);
  }

  protected void fail(Throwable cause) {
    ready.tryFailure(cause);
  }

  protected abstract void onConnected(ChannelHandlerContext ctx);

  protected abstract void onMqttPacket(ChannelHandlerContext ctx, int type, int flags, ByteBuf body);
}
