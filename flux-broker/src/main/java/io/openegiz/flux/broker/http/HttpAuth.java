package io.openegiz.flux.broker.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.HttpKeys;
import io.openegiz.flux.broker.security.PasswordFile;
import io.openegiz.flux.broker.security.PasswordHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * The endpoint's optional authentication: {@code Authorization: Bearer TOKEN} with the token of
 * {@code http_auth_token_file}, or {@code Authorization: Basic} with a user of {@code http_password_file}.
 * Anything else gets 401 with a {@code WWW-Authenticate} header naming what is accepted. {@code /health}
 * is never behind it: load balancers and the Docker health check probe it without credentials, and it
 * tells only whether the broker is ready.
 */
final class HttpAuth extends Filter {
  private final byte[] token;
  private final PasswordFile users;
  private final String challenge;

  private HttpAuth(byte[] token, PasswordFile users) {
    this.token = token;
    this.users = users;
    this.challenge = users != null ? "Basic realm=\"flux\", charset=\"UTF-8\"" : "Bearer realm=\"flux\"";
  }

  /** The filter of {@code config}, or null when it asks for no authentication; files are read now. */
  static HttpAuth of(HttpConfig config) {
    if (!config.authenticated()) {
      return null;
    }
    try {
      byte[] token = config.tokenFile() == null
          ? null
          : HttpKeys.readToken(config.tokenFile()).getBytes(StandardCharsets.UTF_8);
      PasswordFile users = config.passwordFile() == null ? null : PasswordFile.read(config.passwordFile());
      return new HttpAuth(token, users);
    } catch (IOException | ConfigException e) {
      throw new IllegalStateException("http_listener " + config.source() + ": cannot read its credentials: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    if (allowed(exchange.getRequestHeaders().getFirst("Authorization"))) {
      chain.doFilter(exchange);
      return;
    }
    try (exchange) {
      exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
      Responses.text(exchange, 401, "authentication required; accepted: " + (token != null ? "Bearer TOKEN" : "")
          + (token != null && users != null ? " or " : "") + (users != null ? "Basic (http_password_file)" : "")
          + "\n");
    }
  }

  private boolean allowed(String header) {
    if (header == null) {
      return false;
    }
    if (token != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return MessageDigest.isEqual(token, header.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }
    if (users != null && header.regionMatches(true, 0, "Basic ", 0, 6)) {
      String pair;
      try {
        pair = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException notBase64) {
        return false;
      }
      int colon = pair.indexOf(':');
      PasswordHash hash = colon < 0 ? null : users.hash(pair.substring(0, colon));
      return hash != null && hash.matches(pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8));
    }
    return false;
  }

  @Override
  public String description() {
    return "bearer token or basic auth of http_listener";
  }
}
