package io.openegiz.flux.broker.metrics;

/**
 * Everything the broker counts, behind one interface so Prometheus and $SYS exporters can be plugged
 * in. Implementations must be cheap and thread-safe: they are called on event loops, the per-message
 * methods once per message (no map lookup, no allocation there). The label values of docs/metrics.md
 * are the enums below in lower case.
 */
public interface BrokerMetrics {

  /** How a login was accepted ({@code flux_auth_successes_total}). */
  enum AuthMethod {
    PASSWORD, CERTIFICATE, ANONYMOUS
  }

  /** Why a login was refused ({@code flux_auth_failures_total}). */
  enum AuthFailure {
    BAD_CREDENTIALS, NO_CREDENTIALS, LOCKED_OUT, SERVER_BUSY, INVALID_IDENTITY
  }

  /** What an ACL refused ({@code flux_acl_denied_total}). */
  enum AclAction { PUBLISH, SUBSCRIBE, READ, WILL }

  /** Which limit acted ({@code flux_rate_limited_total}). */
  enum RateLimit {
    PUBLISH_RATE, SUBSCRIBE_RATE, CONNECTS_PER_ADDRESS
  }

  /** Why an accepted connection ended ({@code flux_connections_closed_total}). */
  enum CloseReason {
    CLIENT_DISCONNECT, KEEPALIVE_TIMEOUT, CONNECTION_LOST, // the client, or the network
    PROTOCOL_ERROR, SESSION_TAKEN_OVER, RATE_LIMITED, SERVER_SHUTDOWN // the broker
  }

  /** Why a connection was refused before or at CONNECT, authentication aside (flux_connections_refused_total). */
  enum Refusal {
    THROTTLED, CONNECT_TIMEOUT, PROTOCOL_ERROR, QUOTA_EXCEEDED, SESSION_REFUSED
  }

  /** Why a TLS handshake failed ({@code flux_tls_handshake_failures_total}). */
  enum TlsFailure {
    NO_CERTIFICATE, CERTIFICATE_REJECTED, CERTIFICATE_REVOKED, PROTOCOL, TIMEOUT, OTHER
  }

  /** A TLS handshake on {@code listener} completed, or failed for {@code failure} (null: it succeeded). */
  default void tlsHandshake(String listener, TlsFailure failure) {}

  /** A client completed CONNECT on {@code listener} ("ADDRESS:PORT"). */
  void clientConnected(String listener);

  /** A connected client of {@code listener} went away. */
  void clientDisconnected(String listener, CloseReason reason);

  /** A persistent session was removed by its expiry (persistent_client_expiration or its session expiry). */
  default void sessionExpired() {}

  /** A listener accepted a socket (Mosquitto's {@code load/sockets}). */
  default void socketAccepted() {}

  /** An MQTT packet of {@code type} (1 CONNECT ... 15 AUTH) was framed from a client's bytes. */
  default void packetReceived(int type) {}

  /** An MQTT packet of {@code type} was handed to the encoder for a client. */
  default void packetSent(int type) {}

  /** A connection was refused before or at CONNECT for a reason other than authentication. */
  default void connectionRefused(Refusal reason) {}

  /** A PUBLISH arrived from a client. */
  void messageReceived(String topic, int qos, int payloadBytes);

  /** A PUBLISH was written to a client, at the delivery QoS. */
  void messageSent(String topic, int qos, int payloadBytes);

  /** A PUBLISH was written to a subscriber {@code nanos} after it was read from its publisher. */
  default void publishLatency(long nanos) {}

  /** Whether deliveries are timed ({@link #publishLatency}): when not, nobody reads the clock for it. */
  default boolean timed() {
    return false;
  }

  /** A message was not delivered to one subscriber. */
  void messageDropped(DropReason reason);

  /** Bytes read from or written to the network. */
  void bytesReceived(long n);

  void bytesSent(long n);

  /** An audit event was dropped because the audit writer could not keep up. */
  void auditEventDropped();

  /** A login was accepted. */
  default void authSucceeded(AuthMethod method) {}

  /** A login was refused. */
  default void authFailed(AuthFailure reason) {}

  /** An ACL refused an action: every refusal, even those the audit log aggregates. */
  default void aclDenied(AclAction action) {}

  /** A rate limit acted. */
  default void rateLimited(RateLimit limit) {}

  /** A quota refused something; {@code quota} is the key of the limit, e.g. "max_retained_messages". */
  default void quotaExceeded(String quota) {}

  /** A metrics sink that counts nothing. */
  BrokerMetrics NOOP = new BrokerMetrics() {
    @Override
    public void clientConnected(String listener) {}
    @Override
    public void clientDisconnected(String listener, CloseReason reason) {}
    @Override
    public void messageReceived(String topic, int qos, int payloadBytes) {}
    @Override
    public void messageSent(String topic, int qos, int payloadBytes) {}
    @Override
    public void messageDropped(DropReason reason) {}
    @Override
    public void bytesReceived(long n) {}
    @Override
    public void bytesSent(long n) {}
    @Override
    public void auditEventDropped() {}
  };
}
