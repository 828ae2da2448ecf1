package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.Outbound;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.routing.Subscriber;

/**
 * One MQTT connection after the codec: the CONNECT gate, packet dispatch, inbound QoS flows and the
 * {@link Outbound} side its session writes through. Everything here runs on the channel's event loop.
 * CONNECT handling lives in {@link ConnectProcessor}, inbound PUBLISH/PUBREL in {@link PublishProcessor}
 * and SUBSCRIBE/UNSUBSCRIBE in {@link SubscribeProcessor}.
 */
public final class MqttConnectionHandler extends ChannelInboundHandlerAdapter implements Outbound {
  static final Logger LOG = LoggerFactory.getLogger("io.openegiz.flux.broker.connection");

  enum State { AWAIT_CONNECT, AUTHENTICATING, CONNECTED, CLOSING }

  /** User event fired on every connection when the broker shuts down. */
  public static final Object SHUTDOWN = new Object() {
    @Override
    public String toString() {
      return "broker shutdown";
    }
  };

  private final BrokerContext broker;
  private final String listener;
  /** The configured port of the listener, for per-listener limits. */
  private final int listenerPort;
  /** The listener's TLS settings, or null on a plain listener. */
  private final TlsConfig tls;
  private DenialAudit denials; // made at the first denial: most connections never have one
  private ChannelHandlerContext ctx;
  private State state = State.AWAIT_CONNECT;
  /** Turns the CONNECT into a CONNACK; made once the channel is known. */
  private ConnectProcessor connects;
  /** What CONNECT negotiated and the processors built with it; null until the CONNECT is accepted. */
  private Processors connected;
  private boolean normalDisconnect;
  /** Why the connection ends, once known; null: the socket closed or failed under it (connection_lost). */
  private BrokerMetrics.CloseReason closeReason;
  private ScheduledFuture<?> connectTimeout;
  private int pausedOn; // subscriber queues this publisher waits on (backpressure)
  private boolean ended; // end() ran
  private boolean windowFreed; // acknowledgements in this read batch freed receive-window slots
  /**
   * Packets read with the CONNECT, held while it is being authenticated: a client need not wait for
   * the CONNACK (MQTT 5 section 3.1.4), but nothing is handled before the connection has an identity and a session.
   */
  private final ArrayDeque<MqttMessage> early = new ArrayDeque<>(0); // grows when used: most connections never

  public MqttConnectionHandler(BrokerContext broker, String listener, int listenerPort, TlsConfig tls) {
    this.broker = broker;
    this.listener = listener;
    this.listenerPort = listenerPort;
    this.tls = tls;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.connects = new ConnectProcessor(this, ctx, broker, listener, listenerPort, tls);
  }

  // ---- the connection's lifecycle, as ConnectProcessor decides it ------------------------------

  /** A CONNECT was read: everything read after it is held until it is answered. */
  void authenticating() {
    state = State.AUTHENTICATING;
  }

  /** The CONNECT was accepted: from now on packets go to the processors built with what it negotiated. */
  void connected(Processors processors) {
    connected = processors;
    state = State.CONNECTED;
  }

  /** The CONNECT was refused: nothing more is handled. */
  void refused() {
    state = State.CLOSING;
  }

  boolean closing() {
    return state == State.CLOSING;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    long timeout = broker.config().connectTimeout().toMillis();
    connectTimeout = ctx.executor().schedule(() -> {
      if (state == State.AWAIT_CONNECT) {
        broker.metrics().connectionRefused(BrokerMetrics.Refusal.CONNECT_TIMEOUT);
        close("no CONNECT within " + timeout + " ms");
      }
    }, timeout, TimeUnit.MILLISECONDS);
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (state == State.CLOSING) {
      ReferenceCountUtil.release(msg); // [MQTT-4.13.1-1] read only to be discarded (see LingeringClose)
      return;
    }
    if (state == State.AUTHENTICATING) {
      early.add((MqttMessage) msg); // at most the rest of CONNECT's read: reading stops until it is answered
      return;
    }
    PublishRateGate rateGate = connected == null ? null : connected.rateGate();
    if (rateGate == null || !rateGate.holdBack((MqttMessage) msg)) {
      handle((MqttMessage) msg);
    }
  }

  void handle(MqttMessage m) {
    try {
      if (state == State.CLOSING) {
        return; // [MQTT-4.13.1-1] nothing more is processed once the connection is being closed
      }
      if (m.decoderResult().isFailure()) {
        decodeFailure(m.decoderResult().cause());
      } else {
        dispatch(m);
      }
    } finally {
      ReferenceCountUtil.release(m);
    }
  }

  private void dispatch(MqttMessage m) {
    MqttMessageType type = m.fixedHeader().messageType();
    if (state == State.AWAIT_CONNECT) {
      if (type != MqttMessageType.CONNECT) {
        close("first packet was " + type + ", not CONNECT"); // [MQTT-3.1.0-1]
        return;
      }
      connectTimeout.cancel(false);
      connectTimeout = null; // let the task go: 10,000 connections would keep 10,000 of them
      connects.connect((io.netty.handler.codec.mqtt.MqttConnectMessage) m);
      return;
    }
    Processors p = connected; // CONNECTED: never null
    switch (type) {
      case PUBLISH -> p.publishes().publish((MqttPublishMessage) m);
      case PUBACK -> windowFreed |= p.session().acknowledge(this, packetId(m));
      case PUBREC -> pubrec(p, m);
      case PUBREL -> p.publishes().pubrel(packetId(m));
      case PUBCOMP -> windowFreed |= p.session().completed(this, packetId(m));
      case SUBSCRIBE -> p.subscribes().subscribe((io.netty.handler.codec.mqtt.MqttSubscribeMessage) m);
      case UNSUBSCRIBE -> p.subscribes().unsubscribe((io.netty.handler.codec.mqtt.MqttUnsubscribeMessage) m);
      case PINGREQ -> ctx.write(new MqttMessage(new MqttFixedHeader(MqttMessageType.PINGRESP, false,
          MqttQoS.AT_MOST_ONCE, false, 0)), ctx.voidPromise());
      case DISCONNECT -> disconnect(p, m);
      case AUTH -> auth(m);
      case CONNECT -> protocolError("second CONNECT on one connection"); // [MQTT-3.1.0-2]
      default -> protocolError(type + " is not sent by clients");
    }
  }

  private static int packetId(MqttMessage m) {
    return ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
  }

  /**
   * Backpressure, not loss: a subscriber's queue is above its high watermark, so stop reading this
   * publisher's socket until that queue has drained to its low watermark.
   */
  void pauseFor(Subscriber subscriber) {
    pausedOn++;
    ctx.channel().config().setAutoRead(false);
    subscriber.awaitRoom(() -> ctx.executor().execute(this::resumeOne));
  }

  private void resumeOne() {
    --pausedOn;
    resumeReading();
  }

  /** Reads the socket again unless backpressure or the rate gate still holds it. */
  void resumeReading() {
    if (!readingHeld() && state == State.CONNECTED) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** Whether the broker, not the client, stopped the reading: backpressure, the rate gate, or the store. */
  private boolean readingHeld() {
    Processors p = connected;
    return pausedOn > 0 || (p != null && ((p.rateGate() != null && p.rateGate().paused())
        || p.publishes().heldForStore()));
  }

  /** An ACL refusal, audited in bounded form (see {@link DenialAudit}). */
  void denied(String action, String topic) {
    broker.metrics().aclDenied(action.equals("subscribe")
        ? BrokerMetrics.AclAction.SUBSCRIBE
        : BrokerMetrics.AclAction.PUBLISH);
    if (denials == null) {
      denials = new DenialAudit(this, broker.config().security().audit());
    }
    denials.denied(action, topic);
  }

  void audit(AuditLog.Event event, String outcome, Map<String, Object> fields) {
    audit(connected == null ? null : connected.negotiated().identity(), event, outcome, fields);
  }

  /** An audit record about {@code who} (null: not known yet) on this connection. */
  void audit(ClientIdentity who, AuditLog.Event event, String outcome, Map<String, Object> fields) {
    broker.security().audit().record(event, listener, ctx.channel().remoteAddress(),
        who == null ? null : who.clientId(), who == null ? null : who.username(), outcome, fields);
  }

  private void pubrec(Processors p, MqttMessage m) {
    int id = packetId(m);
    byte rc = m.variableHeader() instanceof MqttPubReplyMessageVariableHeader h ? h.reasonCode() : 0;
    boolean failed = (rc & 0x80) != 0;
    if (!p.session().received(this, id, failed)) {
      writePubrel(id, ReasonCode.PACKET_ID_NOT_FOUND);
    } else if (failed) {
      windowFreed = true;
    }
  }

  void ack(MqttMessageType type, int packetId, byte reason) {
    MqttFixedHeader fh = new MqttFixedHeader(type, false,
        type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE, false, 0);
    Object vh = connected.negotiated().v5() && reason != 0
        ? new MqttPubReplyMessageVariableHeader(packetId, reason, MqttProperties.NO_PROPERTIES)
        : MqttMessageIdVariableHeader.from(packetId);
    ctx.write(new MqttMessage(fh, vh), ctx.voidPromise());
  }

  // ---- DISCONNECT, AUTH, errors ----------------------------------------------------------------

  private void disconnect(Processors p, MqttMessage m) {
    byte reason = 0;
    if (m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h) {
      reason = h.reasonCode();
      MqttProperties.MqttProperty<?> expiry = h.properties().getProperty(MqttProperties.SESSION_EXPIRY_INTERVAL);
      if (expiry != null) {
        long requested = (Integer) expiry.value() & 0xFFFFFFFFL;
        if (p.negotiated().sessionExpiryWasZero() && requested != 0) {
          protocolError("DISCONNECT sets a session expiry after CONNECT set 0"); // [MQTT-3.14.2-2]
          return;
        }
        p.session()
            .expiryIntervalSeconds(Math.min(requested, broker.config().persistentClientExpiration().toSeconds()));
      }
    }
    normalDisconnect = reason != ReasonCode.DISCONNECT_WITH_WILL; // [MQTT-3.14.4-3]
    closeReason = BrokerMetrics.CloseReason.CLIENT_DISCONNECT;
    state = State.CLOSING;
    ctx.close();
  }

  private void auth(MqttMessage m) {
    boolean hasMethod = m.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader h
        && h.properties().getProperty(MqttProperties.AUTHENTICATION_METHOD) != null;
    if (hasMethod) {
      disconnect(ReasonCode.BAD_AUTHENTICATION_METHOD,
          "AUTH with an authentication method this broker does not support");
    } else {
      protocolError("AUTH without an authentication method");
    }
  }

  private void decodeFailure(Throwable cause) {
    if (state == State.AWAIT_CONNECT) {
      if (cause instanceof MqttUnacceptableProtocolVersionException) {
        connects.refuse(ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION, ReasonCode.UNSUPPORTED_PROTOCOL_VERSION,
            "unsupported protocol version");
        return;
      }
      if (cause instanceof MqttIdentifierRejectedException) {
        connects.refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "client identifier rejected");
        return;
      }
    }
    String what = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    disconnect(ReasonCode.MALFORMED_PACKET, "malformed packet: " + what); // for the log: nothing decided by it
  }

  void protocolError(String why) {
    disconnect(ReasonCode.PROTOCOL_ERROR, "protocol error: " + why);
  }

  /**
   * Ends the connection because of the client: logs once, sends DISCONNECT with the reason code to
   * an MQTT 5 client that completed CONNECT, then closes.
   */
  void disconnect(byte reason, String why) {
    if (state == State.CLOSING) {
      return;
    }
    closeReason = switch (reason) {
      case ReasonCode.KEEP_ALIVE_TIMEOUT -> BrokerMetrics.CloseReason.KEEPALIVE_TIMEOUT;
      case ReasonCode.SESSION_TAKEN_OVER -> BrokerMetrics.CloseReason.SESSION_TAKEN_OVER;
      case ReasonCode.MESSAGE_RATE_TOO_HIGH -> BrokerMetrics.CloseReason.RATE_LIMITED;
      case ReasonCode.SERVER_SHUTTING_DOWN -> BrokerMetrics.CloseReason.SERVER_SHUTDOWN;
      default -> BrokerMetrics.CloseReason.PROTOCOL_ERROR; // malformed, protocol errors, other refusals
    };
    if (state == State.CONNECTED && connected.negotiated().v5()) {
      if (reason == ReasonCode.SERVER_SHUTTING_DOWN) {
        LOG.debug("client {}: {}", clientId(), why); // one line per client at shutdown would flood the log
      } else {
        LOG.info("client {} ({}): {}; sending DISCONNECT 0x{}", clientId(), ctx.channel().remoteAddress(), why,
            Integer.toHexString(reason & 0xFF));
      }
      state = State.CLOSING;
      MqttMessage d = MqttMessageBuilders.disconnect().reasonCode(reason)
          .properties(reasonString(why)).build();
      ChannelFuture written = ctx.writeAndFlush(d);
      if (reason == ReasonCode.SERVER_SHUTTING_DOWN) {
        written.addListener(ChannelFutureListener.CLOSE); // the broker is stopping: no time to linger
      } else {
        closeAfter(written);
      }
    } else {
      close(why);
    }
  }

  /** Closes once {@code written} (a DISCONNECT or refusing CONNACK) is on the wire: see {@link LingeringClose}. */
  void closeAfter(ChannelFuture written) {
    LingeringClose.after(ctx, written, this::end);
  }

  MqttProperties reasonString(String why) {
    MqttProperties p = new MqttProperties();
    if (connected == null || connected.negotiated().requestProblemInformation()) {
      p.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, why));
    }
    return p;
  }

  /** Closes without a log line: the caller logged the incident. */
  void closeQuietly() {
    state = State.CLOSING;
    close(null);
  }

  void close(String why) {
    if (state != State.CLOSING) {
      LOG.info("client {} ({}): {}; closing", clientId(), ctx.channel().remoteAddress(), why);
      state = State.CLOSING;
    }
    ctx.channel().config().setAutoRead(false);
    ctx.flush();
    ctx.close();
  }

  String clientId() {
    return connected == null ? "(before CONNECT)" : connected.negotiated().clientId();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof SslHandshakeCompletionEvent hs) {
      broker.metrics().tlsHandshake(listener, hs.isSuccess() ? null : TlsFailures.of(hs.cause()));
      if (!hs.isSuccess()) {
        tlsFailure(hs.cause());
      }
      ctx.fireUserEventTriggered(evt);
    } else if (evt == SHUTDOWN) {
      disconnect(ReasonCode.SERVER_SHUTTING_DOWN, "broker shutting down");
    } else if (evt instanceof MqttFrameDecoder.PacketTooLarge t) {
      disconnect(ReasonCode.PACKET_TOO_LARGE, "packet of " + t.declaredSize()
          + " bytes exceeds the maximum packet size " + t.limit()); // [MQTT-3.2.2-15]
    } else if (evt instanceof MqttFrameDecoder.MalformedLength) {
      disconnect(ReasonCode.MALFORMED_PACKET, "malformed remaining length");
    } else if (evt instanceof MqttFrameDecoder.DuplicateProperty d) {
      protocolError("property 0x" + Integer.toHexString(d.property()) + " appears more than once in a packet of type "
          + d.type());
    } else if (evt instanceof MqttFrameDecoder.InvalidTopicName t) {
      disconnect(ReasonCode.TOPIC_NAME_INVALID, "PUBLISH topic \"" + t.topic() + "\": " + t.reason());
    } else if (evt instanceof MqttFrameDecoder.Overrun o) {
      disconnect(ReasonCode.MALFORMED_PACKET, "malformed packet: a length inside a packet of type " + o.type()
          + " runs past its end (" + o.size() + " bytes)");
    } else if (evt instanceof IdleStateEvent && readingHeld()) {
      return; // we stopped reading, not the client: not a keep-alive failure
    } else if (evt instanceof IdleStateEvent) {
      disconnect(ReasonCode.KEEP_ALIVE_TIMEOUT, "no packet within 1.5 x keep alive"); // [MQTT-3.1.2-22]
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    endOfBatch();
  }

  /** After a batch of packets (a read, or packets held back by the rate limit): one drain, one flush. */
  void endOfBatch() {
    if (windowFreed) {
      windowFreed = false;
      if (state == State.CONNECTED) {
        connected.session().sendMore(this); // one drain for the whole batch of acknowledgements
      }
    }
    ctx.flush();
  }

  /** Handles the packets held while the CONNECT was authenticated; call once it is accepted. */
  void handleEarly() {
    MqttMessage m;
    while ((m = early.poll()) != null) {
      channelRead(ctx, m);
    }
    endOfBatch();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    end();
    ctx.fireChannelInactive();
  }

  /**
   * Ends the MQTT connection: the session is detached and the will, if due, published. Runs when the
   * channel closes, or earlier, once the broker's DISCONNECT is on the wire and only TCP is left to close.
   */
  private void end() {
    if (ended) {
      return;
    }
    ended = true;
    early.forEach(ReferenceCountUtil::release); // refused or closed while authenticating
    early.clear();
    Processors p = connected;
    if (p != null && p.rateGate() != null) {
      p.rateGate().close();
    }
    if (connectTimeout != null) {
      connectTimeout.cancel(false);
    }
    if (p != null && denials != null) {
      denials.close();
    }
    if (p != null) {
      p.quotas().close();
      broker.sessions().disconnected(p.session(), this, normalDisconnect ? null : p.negotiated().will());
      broker.metrics().clientDisconnected(listener,
          closeReason == null ? BrokerMetrics.CloseReason.CONNECTION_LOST : closeReason);
    }
  }

  /** A refused TLS handshake: expired, revoked or untrusted certificate, wrong protocol; logged once. */
  private void tlsFailure(Throwable cause) {
    Throwable root = cause;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    state = State.CLOSING;
    String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    LOG.info("TLS handshake from {} on {} failed: {}", ctx.channel().remoteAddress(), listener, why);
    audit(AuditLog.Event.CERTIFICATE_REJECTED, "refused", Map.of("reason", why));
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
      ctx.close(); // reported once by the handshake completion event, or a TLS-level close
    } else if (cause instanceof IOException) {
      LOG.debug("client {} ({}): {}", clientId(), ctx.channel().remoteAddress(), cause.toString());
      ctx.close();
    } else {
      LOG.warn("client {} ({}): internal error, closing", clientId(), ctx.channel().remoteAddress(), cause);
      disconnect(ReasonCode.UNSPECIFIED_ERROR, "internal error");
    }
  }

  // ---- Outbound: what the session writes -------------------------------------------------------

  @Override
  public EventExecutor executor() {
    return ctx.executor();
  }

  @Override
  public int protocolVersion() {
    return connected == null ? connects.protocolVersion() : connected.negotiated().protocolVersion();
  }

  @Override
  public int receiveMaximum() {
    return connected.negotiated().outboundWindow();
  }

  @Override
  public boolean writePublish(Delivery d, int packetId, boolean dup) {
    return connected.writer().write(d, packetId, dup);
  }

  @Override
  public void writePubrel(int packetId) {
    writePubrel(packetId, ReasonCode.SUCCESS);
  }

  private void writePubrel(int packetId, byte reason) {
    ack(MqttMessageType.PUBREL, packetId, reason);
  }

  @Override
  public void flush() {
    ctx.flush();
  }

  @Override
  public void takenOver() {
    ctx.executor().execute(() -> disconnect(ReasonCode.SESSION_TAKEN_OVER,
        "session taken over by a new connection with the same client id"));
  }
}
