package io.openegiz.flux.broker.security;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The authenticator used when no password file is configured: like Mosquitto, it lets clients in
 * only when {@code allow_anonymous} is true, and refuses every username it cannot check.
 */
public final class AnonymousAuthenticator implements Authenticator {
  private final boolean allowAnonymous;

  public AnonymousAuthenticator(boolean allowAnonymous) {
    this.allowAnonymous = allowAnonymous;
  }

  @Override
  public CompletionStage<Result> authenticate(Credentials c) {
    if (c.certificateVerified()) {
      return CompletableFuture.completedFuture(Result.allow());
    }
    if (!allowAnonymous) {
      return CompletableFuture.completedFuture(
          c.username() == null
              ? Result.notAuthorized("anonymous access is disabled (allow_anonymous false)")
              : Result.badCredentials("no password_file is configured to check user " + c.username()));
    }
    return CompletableFuture.completedFuture(Result.allow());
  }
}
