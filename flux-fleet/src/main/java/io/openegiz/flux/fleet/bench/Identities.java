package io.openegiz.flux.fleet.bench;

import io.netty.handler.ssl.SslContext;
import java.util.function.IntFunction;

/**
 * How publisher i and subscriber i connect: a TLS client context (null: plain TCP) and a CONNECT
 * username and password (null: none).
 */
public record Identities(IntFunction<SslContext> publisherTls, IntFunction<Login> publisherLogin,
    IntFunction<SslContext> subscriberTls, IntFunction<Login> subscriberLogin) {

  /** Plain TCP, no credentials. */
  public static Identities none() {
    return new Identities(i -> null, i -> null, i -> null, i -> null);
  }
}
