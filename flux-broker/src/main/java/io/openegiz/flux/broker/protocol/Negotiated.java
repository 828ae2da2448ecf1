package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.config.ClientLimits;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.SessionRegistry;

/**
 * What one connection's CONNECT negotiated, made once by {@link ConnectProcessor} when the CONNECT is
 * accepted and never changed. The processors that handle the packets after CONNECT are built with it
 * (see {@link Processors}), so none of them can run before it exists.
 *
 * @param v5 MQTT 5.0, else 3.1.1
 * @param identity who the client is: client id (assigned when it sent none), username, address, listener
 * @param limits the client's limits, from the defaults and the listener and user overrides
 * @param keepAliveSeconds the keep alive in force (the client's, or the broker's lower maximum)
 * @param sessionExpiryWasZero the CONNECT set a session expiry of 0: DISCONNECT may not raise it [MQTT-3.14.2-2]
 * @param clientReceiveMaximum the client's receive maximum (65535 when it gave none)
 * @param clientMaximumPacketSize the largest packet the client accepts (unlimited when it gave none)
 * @param clientTopicAliasMaximum how many topic aliases the broker may set towards the client
 * @param requestProblemInformation whether reason strings may be sent to the client
 * @param sessionPresent whether an existing session was resumed
 * @param will the will, or null
 */
record Negotiated(boolean v5, ClientIdentity identity, ClientLimits limits, int keepAliveSeconds,
    boolean sessionExpiryWasZero, int clientReceiveMaximum, long clientMaximumPacketSize, int clientTopicAliasMaximum,
    boolean requestProblemInformation, boolean sessionPresent, SessionRegistry.Will will) {

  /** What an MQTT 5 CONNECT may say about the client's own limits; 3.1.1 clients get {@link #DEFAULTS}. */
  record ClientProperties(int receiveMaximum, long maximumPacketSize, int topicAliasMaximum,
      boolean requestProblemInformation) {
    static final ClientProperties DEFAULTS = new ClientProperties(65535, Long.MAX_VALUE, 0, true);
  }

  Negotiated(boolean v5, ClientIdentity identity, ClientLimits limits, int keepAliveSeconds,
      boolean sessionExpiryWasZero, ClientProperties client, boolean sessionPresent, SessionRegistry.Will will) {
    this(v5, identity, limits, keepAliveSeconds, sessionExpiryWasZero, client.receiveMaximum(),
        client.maximumPacketSize(), client.topicAliasMaximum(), client.requestProblemInformation(), sessionPresent,
        will);
  }

  String clientId() {
    return identity.clientId();
  }

  /** The protocol level: 5 for MQTT 5.0, 4 for 3.1.1. */
  int protocolVersion() {
    return v5 ? 5 : 4;
  }

  /** How many QoS 1/2 deliveries may be unacknowledged: the client's receive maximum within the broker's limit. */
  int outboundWindow() {
    return Math.min(clientReceiveMaximum, limits.maxInflightMessages());
  }
}
