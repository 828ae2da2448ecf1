package io.openegiz.flux.broker.security;

import java.net.SocketAddress;

/**
 * Who a connection is, once authenticated: the subject of authorisation decisions.
 *
 * @param clientId MQTT client identifier
 * @param username authenticated user name, or null for anonymous clients
 * @param remoteAddress where the connection comes from
 * @param listener the listener that accepted it ("127.0.0.1:1883")
 */
public record ClientIdentity(String clientId, String username, SocketAddress remoteAddress, String listener) {}
