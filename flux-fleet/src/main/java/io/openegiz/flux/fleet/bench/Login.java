package io.openegiz.flux.fleet.bench;

/** A CONNECT username and password. */
public record Login(String username, String password) {
}
