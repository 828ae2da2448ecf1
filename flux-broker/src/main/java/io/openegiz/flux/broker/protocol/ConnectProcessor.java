package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.metrics.CountingMetrics;
import io.openegiz.flux.broker.metrics.BrokerMetrics;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectPayload;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttConnectVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Topics;
import io.netty.handler.ssl.SslHandler;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.AuthThrottle;
import io.openegiz.flux.broker.security.Authenticator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import io.openegiz.flux.broker.security.CertificateIdentity;
import javax.net.ssl.SSLPeerUnverifiedException;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.security.ConnectionCaps;
import io.openegiz.flux.broker.session.SessionRegistry;
import java.util.Arrays;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** Turns a CONNECT into a CONNACK: validation, authentication, session open or resume, takeover. */
final class ConnectProcessor {
  /** The topic alias maximum the broker grants to clients. */
  static final int TOPIC_ALIAS_MAXIMUM = 10;

  private final MqttConnectionHandler c;
  private final ChannelHandlerContext ctx;
  private final BrokerContext broker;
  private final String listener;
  private final int listenerPort;
  /** The listener's TLS settings, or null on a plain listener. */
  private final TlsConfig tls;
  /** The CONNECT said MQTT 5: refusals carry MQTT 5 reason codes. */
  private boolean v5;

  ConnectProcessor(MqttConnectionHandler c, ChannelHandlerContext ctx, BrokerContext broker, String listener,
      int listenerPort, TlsConfig tls) {
    this.c = c;
    this.ctx = ctx;
    this.broker = broker;
    this.listener = listener;
    this.listenerPort = listenerPort;
    this.tls = tls;
  }

  /** What a validated CONNECT asks for. */
  private record Request(String clientId, boolean assigned, boolean cleanStart, long expirySeconds,
      int keepAlive, boolean keepAliveLowered, boolean expiryLowered, boolean responseInfo,
      boolean expiryWasZero, Negotiated.ClientProperties client) {}

  /** The protocol level the CONNECT asked for (4 until one was read), for the session store. */
  int protocolVersion() {
    return v5 ? 5 : 4;
  }

  void connect(MqttConnectMessage m) {
    MqttConnectVariableHeader h = m.variableHeader();
    MqttConnectPayload p = m.payload();
    v5 = h.version() == MqttVersion.MQTT_5.protocolLevel();
    c.authenticating();
    MqttProperties props = h.properties();
    if (props.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null) {
      refuse((byte) 0x05, ReasonCode.BAD_AUTHENTICATION_METHOD, "authentication method "
          + props.getProperty(MqttProperties.AUTHENTICATION_METHOD).value() + " is not supported");
      return;
    }
    Request r = validate(h, p, props);
    if (r == null) {
      return;
    }
    String username = p.userName();
    boolean fromCertificate = tls != null && tls.identityFromCertificate();
    if (fromCertificate) {
      username = certificateUsername(r.clientId());
      if (username == null) {
        return;
      }
    }
    Authenticator.Credentials creds = new Authenticator.Credentials(r.clientId(), username,
        fromCertificate ? null : p.passwordInBytes(), ctx.channel().remoteAddress(), listener, fromCertificate);
    AuthThrottle.Ticket ticket = throttled(r, creds);
    if (ticket == null) {
      return;
    }
    ctx.channel().config().setAutoRead(false); // nothing else is read until the client is known
    CompletionStage<Authenticator.Result> check;
    try {
      check = broker.authenticator().authenticate(creds);
    } catch (RuntimeException e) {
      check = CompletableFuture.failedFuture(e); // answered like any error, and the ticket released
    }
    check.whenComplete((result, error) -> ctx.executor().execute(() -> {
      if (creds.password() != null) {
        Arrays.fill(creds.password(), (byte) 0);
      }
      if (error != null || result.allowed() || result.outcome() == Authenticator.Outcome.SERVER_BUSY) {
        ticket.release();
      }
      if (error != null) {
        MqttConnectionHandler.LOG.warn("client {}: authentication failed with an error", r.clientId(), error);
        refuse(ReasonCode.V3_SERVER_UNAVAILABLE, ReasonCode.UNSPECIFIED_ERROR, "authentication error");
      } else if (result.outcome() == Authenticator.Outcome.SERVER_BUSY) {
        refuse(ReasonCode.V3_SERVER_UNAVAILABLE, ReasonCode.SERVER_BUSY, "client " + r.clientId()
            + " refused for now: " + result.reason());
      } else if (!result.allowed()) {
        authFailed(r, creds.username(), result, ticket);
      } else if (ctx.channel().isActive()) {
        accept(r, h, p, creds.username());
      }
    }));
  }

  /**
   * The login's place in the brute-force throttle; null when it was refused there, unchecked: its
   * username or address is locked (0x8A) or its address has too many logins being checked (0x89).
   * Only logins with a username and no verified certificate are throttled: anonymous and certificate
   * logins have no secret to guess.
   */
  private AuthThrottle.Ticket throttled(Request r, Authenticator.Credentials creds) {
    boolean guessable = creds.username() != null && !creds.certificateVerified();
    AuthThrottle.Ticket ticket = broker.security().authThrottle()
        .admit(guessable ? remoteAddress() : null, guessable ? creds.username() : null);
    if (ticket.refusal() == null) {
      return ticket;
    }
    boolean locked = ticket.refusal() == AuthThrottle.Refusal.LOCKED;
    String why = locked
        ? "too many failed logins for this user or address: locked"
        : "too many logins being checked from this address";
    broker.metrics().authFailed(locked ? BrokerMetrics.AuthFailure.LOCKED_OUT : BrokerMetrics.AuthFailure.SERVER_BUSY);
    broker.security().audit().record(AuditLog.Event.AUTH_FAILURE, listener, ctx.channel().remoteAddress(),
        r.clientId(), creds.username(), "refused", Map.of("reason", why));
    refuse(locked ? ReasonCode.V3_NOT_AUTHORIZED : ReasonCode.V3_SERVER_UNAVAILABLE,
        locked ? ReasonCode.BANNED : ReasonCode.SERVER_BUSY, "client " + r.clientId() + " refused: " + why);
    return null;
  }

  /**
   * The username from the verified client certificate; null when the certificate gives none, after
   * refusing the CONNECT with a generic reason on the wire and the detail in the log and the audit.
   */
  private String certificateUsername(String clientId) {
    String why;
    try {
      SslHandler ssl = ctx.pipeline().get(SslHandler.class);
      return CertificateIdentity.username(ssl.engine().getSession().getPeerCertificates(),
          tls.useIdentityAsUsername());
    } catch (CertificateIdentity.Refused e) {
      why = e.getMessage();
    } catch (SSLPeerUnverifiedException e) {
      why = "the client presented no verified certificate";
    }
    MqttConnectionHandler.LOG.info("client {} at {}: certificate refused as identity: {}", clientId,
        ctx.channel().remoteAddress(), why);
    broker.metrics().authFailed(BrokerMetrics.AuthFailure.INVALID_IDENTITY);
    broker.security().audit().record(AuditLog.Event.AUTH_FAILURE, listener, ctx.channel().remoteAddress(),
        clientId, null, "refused", Map.of("method", "certificate", "reason", why));
    refuse(ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED, "not authorized");
    return null;
  }

  /**
   * A refused login: audited, and answered only after the address's failure delay, so that guessing
   * passwords gets slower with every wrong one.
   */
  private void authFailed(Request r, String username, Authenticator.Result result, AuthThrottle.Ticket ticket) {
    broker.metrics().authFailed(result.badCredentials()
        ? BrokerMetrics.AuthFailure.BAD_CREDENTIALS
        : result.outcome() == Authenticator.Outcome.SERVER_BUSY
            ? BrokerMetrics.AuthFailure.SERVER_BUSY
            : BrokerMetrics.AuthFailure.NO_CREDENTIALS);
    broker.security().audit().record(AuditLog.Event.AUTH_FAILURE, listener, ctx.channel().remoteAddress(),
        r.clientId(), username, "refused", Map.of("reason", result.reason()));
    // The detail (unknown user or wrong password) stays in the audit log: on the wire both look the
    // same, so that CONNACKs do not tell which usernames exist.
    Runnable answer = () -> refuse(
        result.badCredentials() ? ReasonCode.V3_BAD_USERNAME_OR_PASSWORD : ReasonCode.V3_NOT_AUTHORIZED,
        result.badCredentials() ? ReasonCode.BAD_USERNAME_OR_PASSWORD : ReasonCode.NOT_AUTHORIZED,
        "client " + r.clientId() + " refused: " + (result.badCredentials()
            ? "bad user name or password"
            : result.reason()));
    long delay = ticket.failed();
    if (delay == 0) {
      answer.run();
    } else {
      ctx.executor().schedule(answer, delay, TimeUnit.MILLISECONDS);
    }
  }

  private InetAddress remoteAddress() {
    return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
  }

  private Request validate(MqttConnectVariableHeader h, MqttConnectPayload p, MqttProperties props) {
    BrokerConfig cfg = broker.config();
    String id = p.clientIdentifier();
    boolean assigned = false;
    if (id == null || id.isEmpty()) {
      if (!cfg.allowZeroLengthClientid() || (!v5 && !h.isCleanSession())) { // [MQTT-3.1.3-8]
        refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID,
            "empty client id" + (cfg.allowZeroLengthClientid() ? " needs a clean session" : " is not allowed"));
        return null;
      }
      id = "flux-" + UUID.randomUUID();
      assigned = true;
    }
    if (h.isWillFlag()) {
      String bad = Topics.validateTopicName(p.willTopic() == null ? "" : p.willTopic());
      if (bad != null) {
        refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.TOPIC_NAME_INVALID, "will topic: " + bad);
        return null;
      }
      if (h.willQos() > 2) {
        refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.MALFORMED_PACKET, "will QoS 3"); // [MQTT-3.1.2-12]
        return null;
      }
    } else if (h.isWillRetain() || h.willQos() != 0) {
      // [MQTT-3.1.2-11]
      refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.MALFORMED_PACKET, "will flags set without a will");
      return null;
    }
    int keepAlive = h.keepAliveTimeSeconds();
    boolean lowered = false;
    // max_keepalive 0 (or 65535) means no maximum, as in Mosquitto.
    if (cfg.maxKeepalive() > 0 && cfg.maxKeepalive() < 65535 && (keepAlive == 0 || keepAlive > cfg.maxKeepalive())) {
      if (!v5) { // 3.1.1 cannot be told another keep alive: refuse, as Mosquitto does
        refuse(ReasonCode.V3_IDENTIFIER_REJECTED, ReasonCode.UNSPECIFIED_ERROR,
            "keep alive " + keepAlive + " s is above max_keepalive " + cfg.maxKeepalive());
        return null;
      }
      keepAlive = cfg.maxKeepalive();
      lowered = true;
    }
    long cap = cfg.persistentClientExpiration().toSeconds();
    long expiry;
    Negotiated.ClientProperties client = Negotiated.ClientProperties.DEFAULTS;
    if (v5) {
      Integer requested = PropertiesMapper.intValue(props, MqttProperties.SESSION_EXPIRY_INTERVAL);
      expiry = requested == null ? 0 : requested & 0xFFFFFFFFL;
      client = clientProperties(props);
      if (client == null) {
        return null;
      }
    } else {
      expiry = h.isCleanSession() ? 0 : cap;
    }
    boolean expiryLowered = expiry > cap;
    Integer responseInfo = PropertiesMapper.intValue(props, MqttProperties.REQUEST_RESPONSE_INFORMATION);
    return new Request(id, assigned, h.isCleanSession(), Math.min(expiry, cap), keepAlive, lowered,
        expiryLowered, responseInfo != null && responseInfo == 1, v5 && expiry == 0, client);
  }

  /** Reads the client's own limits from an MQTT 5 CONNECT; null (refused) when one is invalid. */
  private Negotiated.ClientProperties clientProperties(MqttProperties props) {
    Integer receiveMax = PropertiesMapper.intValue(props, MqttProperties.RECEIVE_MAXIMUM);
    Integer packetMax = PropertiesMapper.intValue(props, MqttProperties.MAXIMUM_PACKET_SIZE);
    if ((receiveMax != null && receiveMax == 0) || (packetMax != null && packetMax == 0)) {
      refuse((byte) 0, ReasonCode.PROTOCOL_ERROR, "receive maximum or maximum packet size of 0"); // [MQTT-3.1.2-...]
      return null;
    }
    Integer aliasMax = PropertiesMapper.intValue(props, MqttProperties.TOPIC_ALIAS_MAXIMUM);
    Integer problem = PropertiesMapper.intValue(props, MqttProperties.REQUEST_PROBLEM_INFORMATION);
    return new Negotiated.ClientProperties(receiveMax == null ? 65535 : receiveMax,
        packetMax == null ? Long.MAX_VALUE : packetMax & 0xFFFFFFFFL, aliasMax == null ? 0 : aliasMax,
        problem == null || problem != 0);
  }

  private void authenticated(ClientIdentity identity, String username) {
    BrokerMetrics.AuthMethod method = username == null
        ? BrokerMetrics.AuthMethod.ANONYMOUS
        : tls != null && tls.identityFromCertificate()
            ? BrokerMetrics.AuthMethod.CERTIFICATE
            : BrokerMetrics.AuthMethod.PASSWORD;
    broker.metrics().authSucceeded(method);
    c.audit(identity, AuditLog.Event.AUTH_SUCCESS, "accepted", Map.of("method", CountingMetrics.label(method)));
  }

  private void accept(Request r, MqttConnectVariableHeader h, MqttConnectPayload p, String username) {
    ClientIdentity identity = new ClientIdentity(r.clientId(), username, ctx.channel().remoteAddress(), listener);
    authenticated(identity, username);
    if (!broker.connectionCaps().acquireIdentity(username, r.clientId(), ctx.channel())) {
      int max = broker.config().connectionLimits().maxConnectionsPerIdentity();
      broker.metrics().quotaExceeded("max_connections_per_identity");
      c.audit(identity, AuditLog.Event.QUOTA_EXCEEDED, "refused",
          Map.of("quota", "max_connections_per_identity", "limit", max));
      refuse(ReasonCode.V3_SERVER_UNAVAILABLE, ReasonCode.QUOTA_EXCEEDED, "identity " + username + " already holds "
          + max + " connections (max_connections_per_identity)");
      return;
    }
    SessionRegistry.Will will = will(h, p, identity);
    if (will != null && !broker.authorizer().canPublish(identity, will.message().topic())) {
      // a will is a PUBLISH made later: the same right is needed now, and again when it goes out
      broker.metrics().aclDenied(BrokerMetrics.AclAction.WILL);
      c.audit(identity, AuditLog.Event.ACL_DENIED, "denied", Map.of("action", "will", "topic",
          will.message().topic(), "when", "connect"));
      refuse(ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.NOT_AUTHORIZED,
          "not authorized to publish the will to " + will.message().topic());
      return;
    }
    ClientLimits limits = broker.config().security().limitsFor(listenerPort, username);
    if (will != null && will.message().payload().length > limits.messageSizeLimit()) {
      // as for a PUBLISH, and as Mosquitto does: 0x95 Packet too large (3.1.1: return code 5)
      refuse(ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.PACKET_TOO_LARGE, "will payload of "
          + will.message().payload().length + " bytes exceeds message_size_limit " + limits.messageSizeLimit());
      return;
    }
    QuotaGate quotas = new QuotaGate(c, broker, identity, limits);
    SessionRegistry.Connected opened = open(r, identity, quotas);
    if (opened == null) {
      return;
    }
    if (opened.ownedByAnother()) {
      c.audit(identity, AuditLog.Event.SESSION_REFUSED, "refused", Map.of("reason",
          "client id names a session of another identity (session_ownership identity)"));
      refuse(BrokerMetrics.Refusal.SESSION_REFUSED, ReasonCode.V3_IDENTIFIER_REJECTED,
          ReasonCode.CLIENT_IDENTIFIER_NOT_VALID, "client id " + r.clientId() + " is in use by another identity");
      return;
    }
    Negotiated n = new Negotiated(v5, identity, limits, r.keepAlive(), r.expiryWasZero(), r.client(),
        opened.sessionPresent(), will);
    Processors processors = Processors.create(c, ctx, broker, n, opened.session(), quotas);
    if (opened.previous() != null) {
      opened.previous().takenOver();
    }
    c.connected(processors);
    ConnectionCaps.authenticated(ctx.channel()); // no longer counts against max_unauthenticated_per_address
    ctx.writeAndFlush(connAck(r, limits, opened.sessionPresent()));
    if (r.keepAlive() > 0) {
      long idleMillis = r.keepAlive() * 1500L; // [MQTT-3.1.2-22]
      ctx.pipeline().addBefore(ctx.name(), HandlerNames.KEEP_ALIVE,
          new IdleStateHandler(idleMillis, 0, 0, TimeUnit.MILLISECONDS));
    }
    broker.metrics().clientConnected(listener);
    MqttConnectionHandler.LOG.debug("client {} connected from {} (MQTT {}, session present {})", r.clientId(),
        ctx.channel().remoteAddress(), v5 ? "5.0" : "3.1.1", opened.sessionPresent());
    if (!broker.sessions().attach(opened.session(), c)) return; // taken over first: being closed, reads no more
    ctx.channel().config().setAutoRead(true);
    c.handleEarly();
  }

  /**
   * Opens or resumes the session; null when max_persistent_sessions_per_identity refuses it (answered).
   * An admission counts as pending until the session is registered (see
   * {@link io.openegiz.flux.broker.session.PersistentSessionQuota#settled}): CONNECTs of one identity
   * on other loops, admitted but not yet registered, keep counting, so parallel CONNECTs cannot
   * overshoot the quota, and no lock wider than the client id's is needed.
   */
  private SessionRegistry.Connected open(Request r, ClientIdentity identity, QuotaGate quotas) {
    String overQuota = quotas.persistentSession(r.expirySeconds());
    if (overQuota != null) {
      refuse(ReasonCode.V3_NOT_AUTHORIZED, ReasonCode.QUOTA_EXCEEDED, "client " + r.clientId() + ": " + overQuota);
      return null;
    }
    try {
      return broker.sessions().connect(identity, r.cleanStart(), r.expirySeconds(), c);
    } finally {
      if (r.expirySeconds() > 0) {
        broker.quotas().persistentSessions().settled(identity.clientId());
      }
    }
  }

  private SessionRegistry.Will will(MqttConnectVariableHeader h, MqttConnectPayload p, ClientIdentity identity) {
    if (p.willTopic() == null) {
      return null;
    }
    MqttProperties wp = p.willProperties();
    long delay = 0;
    long expiry = 0;
    Message.Properties forwarded = Message.Properties.NONE;
    if (v5) {
      Integer d = PropertiesMapper.intValue(wp, MqttProperties.WILL_DELAY_INTERVAL);
      delay = d == null ? 0 : d & 0xFFFFFFFFL;
      Integer e = PropertiesMapper.intValue(wp, MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
      expiry = e == null ? 0 : e & 0xFFFFFFFFL; // counted from when the will is published
      forwarded = PropertiesMapper.fromPublish(wp);
    }
    // [MQTT-3.1.2-14] the will's QoS and retain come from the CONNECT flags
    Message msg = new Message(p.willTopic(), p.willMessageInBytes() == null ? new byte[0] : p.willMessageInBytes(),
        h.willQos(), h.isWillRetain(), identity.clientId(), 0, forwarded);
    return new SessionRegistry.Will(msg, delay, identity, expiry);
  }

  private MqttConnAckMessage connAck(Request r, ClientLimits limits, boolean sessionPresent) {
    MqttMessageBuilders.ConnAckBuilder b = MqttMessageBuilders.connAck()
        .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED).sessionPresent(sessionPresent);
    if (v5) {
      BrokerConfig cfg = broker.config();
      b.properties(pb -> {
        pb.receiveMaximum(limits.maxInflightMessages()); // FR-2.6
        pb.maximumPacketSize(cfg.maxPacketSize());
        pb.topicAliasMaximum(TOPIC_ALIAS_MAXIMUM);
        pb.retainAvailable(true);
        pb.wildcardSubscriptionAvailable(true);
        pb.subscriptionIdentifiersAvailable(true);
        pb.sharedSubscriptionAvailable(true);
        if (r.assigned()) pb.assignedClientId(r.clientId()); // [MQTT-3.2.2-16]
        if (r.keepAliveLowered()) pb.serverKeepAlive(r.keepAlive()); // [MQTT-3.2.2-21]
        if (r.expiryLowered()) pb.sessionExpiryInterval(r.expirySeconds());
        if (r.responseInfo()) pb.responseInformation("flux/response/" + r.clientId());
      });
    }
    return b.build();
  }

  /**
   * Refuses the CONNECT with a CONNACK carrying the 3.1.1 return code or the MQTT 5 reason code, and
   * closes [MQTT-3.2.2-6]. A 3.1.1 refusal without a matching return code just closes.
   */
  void refuse(byte v3Code, byte v5Reason, String why) {
    refuse(switch (v5Reason) {
      case ReasonCode.QUOTA_EXCEEDED -> BrokerMetrics.Refusal.QUOTA_EXCEEDED;
      // authentication and authorisation: counted as auth failures or ACL denials
      case ReasonCode.NOT_AUTHORIZED, ReasonCode.BAD_USERNAME_OR_PASSWORD, ReasonCode.BANNED, ReasonCode.SERVER_BUSY,
          ReasonCode.UNSPECIFIED_ERROR ->
        null;
      default -> BrokerMetrics.Refusal.PROTOCOL_ERROR;
    }, v3Code, v5Reason, why);
  }

  /** @param counted the reason {@code flux_connections_refused_total} counts it under, or null for none */
  private void refuse(BrokerMetrics.Refusal counted, byte v3Code, byte v5Reason, String why) {
    if (counted != null) {
      broker.metrics().connectionRefused(counted);
    }
    MqttConnectionHandler.LOG.info("client at {}: CONNECT refused: {}", ctx.channel().remoteAddress(), why);
    c.refused();
    MqttConnAckMessage ack;
    if (v5) {
      ack = MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.valueOf(v5Reason))
          .properties(pb -> pb.reasonString(why)).build();
    } else if (v3Code != 0) {
      ack = MqttMessageBuilders.connAck().returnCode(MqttConnectReturnCode.valueOf(v3Code)).build();
    } else {
      ctx.close();
      return;
    }
    c.closeAfter(ctx.writeAndFlush(ack));
  }
}
