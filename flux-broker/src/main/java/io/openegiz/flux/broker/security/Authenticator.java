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

  /** How a check ended. */
  enum Outcome { ALLOWED, BAD_CREDENTIALS, NOT_AUTHORIZED, SERVER_BUSY }

  /** The outcome; {@code reason} is for the log and audit, never sent to the client. */
  record Result(Outcome outcome, String reason) {
    public static Result allow() { return new Result(Outcome.ALLOWED, "ok"); }
    public static Result badCredentials(String why) { return new Result(Outcome.BAD_CREDENTIALS, why); }
    public static Result notAuthorized(String why) { return new Result(Outcome.NOT_AUTHORIZED, why); }
    /** Too many checks waiting: the client should retry later (MQTT 5: 0x89 Server busy). */
    public static Result serverBusy(String why) {
      return new Result(Outcome.SERVER_BUSY, why);
    }

    public boolean allowed() { return outcome == Outcome.ALLOWED; }
    public boolean badCredentials() { return outcome == Outcome.BAD_CREDENTIALS; }
  }

  CompletionStage<Result> authenticate(Credentials credentials);
}
