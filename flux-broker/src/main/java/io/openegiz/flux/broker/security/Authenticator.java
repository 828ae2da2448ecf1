package io.openegiz.flux.broker.security;

import java.net.SocketAddress;
import java.util.concurrent.CompletionStage;

/**
 * Decides whether a CONNECT may proceed. Asynchronous because checking a password hash is slow work
 * that must never run on an event loop.
 */
public interface Authenticator {

  /**
   * What a client presented in CONNECT. The password is cleared by the caller after the check.
   * {@code certificateVerified} means the username was taken from a client certificate that TLS
   * verified (use_identity_as_username / use_subject_as_username): no password is needed then.
   */
  record Credentials(String clientId, String username, byte[] password, SocketAddress remoteAddress,
      String listener, boolean certificateVerified) {}

  /** The outcome; {@code reason} is for the log and audit, never sent to the client. */
  record Result(boolean allowed, boolean badCredentials, String reason) {
    public static Result allow() { return new Result(true, false, "ok"); }
    public static Result badCredentials(String why) { return new Result(false, true, why); }
    public static Result notAuthorized(String why) { return new Result(false, false, why); }
  }

  CompletionStage<Result> authenticate(Credentials credentials);
}
