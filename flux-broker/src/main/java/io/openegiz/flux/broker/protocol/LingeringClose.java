package io.openegiz.flux.broker.protocol;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after the broker's last packet to it (a DISCONNECT or a refusing CONNACK) without
 * a TCP reset: the output is shut once the packet is on the wire (on TLS after a close_notify), so the
 * client reads the packet and then the end of the stream; input is still read, and discarded as it
 * comes (by the frame decoder), for {@link #GRACE}; then the connection closes. Closing at once with unread input
 * makes the kernel send a reset, and a reset can make the client's stack discard the packet, with its
 * reason code, before the client has read it: a client still sending PUBRELs would not learn why it was
 * disconnected. A client that closes first ends the wait.
 */
final class LingeringClose {
  /** How long input is read and discarded after the output is shut, before the connection closes. */
  static final Duration GRACE = Duration.ofSeconds(1);

  private LingeringClose() {}

  /**
   * @param written the write of the last packet
   * @param ended what ends the MQTT connection (session, will), run once the packet is on the wire
   */
  static void after(ChannelHandlerContext ctx, ChannelFuture written, Runnable ended) {
    written.addListener(f -> {
      Channel ch = ctx.channel();
      if (!f.isSuccess() || !(ch instanceof DuplexChannel duplex)) {
        ch.close();
        return;
      }
      ended.run();
      MqttFrameDecoder frames = ctx.pipeline().get(MqttFrameDecoder.class);
      if (frames != null) {
        frames.discard(); // nothing read from now on is buffered
      }
      SslHandler tls = ctx.pipeline().get(SslHandler.class);
      if (tls == null) {
        duplex.shutdownOutput();
      } else {
        tls.closeOutbound().addListener(sent -> duplex.shutdownOutput());
      }
      ch.config().setAutoRead(true); // read, so that nothing is left unread at close
      ctx.executor().schedule(() -> ch.close(), GRACE.toMillis(), TimeUnit.MILLISECONDS);
    });
  }
}
