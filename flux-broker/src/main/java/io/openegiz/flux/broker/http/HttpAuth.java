package io.openegiz.flux.broker.http;

import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpExchange;
import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.HttpKeys;
import io.openegiz.flux.broker.config.LoginLimits;
import io.openegiz.flux.broker.security.AuthThrottle;
import io.openegiz.flux.broker.security.PasswordFile;
import io.openegiz.flux.broker.security.PasswordHash;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The endpoint's optional authentication: {@code Authorization: Bearer TOKEN} with the token of
 * {@code http_auth_token_file}, or {@code Authorization: Basic} with a user of {@code http_password_file}.
 * Anything else gets 401 with a {@code WWW-Authenticate} header naming what is accepted. {@code /health}
 * is never behind it: load balancers and the Docker health check probe it without credentials, and it
 * tells only whether the broker is ready.
 *
 * <p>Guessing is throttled per remote address with the MQTT side's {@link AuthThrottle}: after
 * {@link #MAX_FAILURES} wrong credentials in {@link #WINDOW_SECONDS} s the address gets 429 with
 * {@code Retry-After} for {@link #LOCK_SECONDS} s, its credentials not checked, the right ones neither. An
 * unknown user is checked against a dummy hash of the file's typical cost, so the time of the answer does not
 * tell which users exist.
 */
final class HttpAuth extends Filter {
  /** Wrong credentials from one address, within the window, that lock it. */
  static final int MAX_FAILURES = 5;
  static final int WINDOW_SECONDS = 60;
  static final int LOCK_SECONDS = 60;

  private final byte[] token;
  private final PasswordFile users;
  private final PasswordHash dummy;
  private final String challenge;
  private final AuthThrottle throttle;
  private final AtomicLong hashes = new AtomicLong();

  private HttpAuth(byte[] token, PasswordFile users, Clock clock) {
    this.token = token;
    this.users = users;
    this.dummy = users == null ? null : users.dummyHash(new SecureRandom());
    this.challenge = users != null ? "Basic realm=\"flux\", charset=\"UTF-8\"" : "Bearer realm=\"flux\"";
    // Per address only: a per-user lock would let anyone lock the scraping user out. Loopback is not exempt.
    this.throttle = new AuthThrottle(new LoginLimits(0, 0, MAX_FAILURES, WINDOW_SECONDS, LOCK_SECONDS, 0, false),
        clock);
  }

  /** The filter of {@code config}, or null when it asks for no authentication; files are read now. */
  static HttpAuth of(HttpConfig config, Clock clock) {
    if (!config.authenticated()) {
      return null;
    }
    try {
      byte[] token = config.tokenFile() == null
          ? null
          : HttpKeys.readToken(config.tokenFile()).getBytes(StandardCharsets.UTF_8);
      PasswordFile users = config.passwordFile() == null ? null : PasswordFile.read(config.passwordFile());
      return new HttpAuth(token, users, clock);
    } catch (IOException | ConfigException e) {
      throw new IllegalStateException("http_listener " + config.source() + ": cannot read its credentials: "
          + e.getMessage(), e);
    }
  }

  @Override
  public void doFilter(HttpExchange exchange, Chain chain) throws IOException {
    InetAddress from = exchange.getRemoteAddress().getAddress();
    AuthThrottle.Ticket ticket = throttle.admit(from, null);
    if (ticket.refusal() != null) {
      try (exchange) {
        long seconds = Math.max(1, (ticket.retryAfterMillis() + 999) / 1000);
        exchange.getResponseHeaders().set("Retry-After", Long.toString(seconds));
        Responses.text(exchange, 429, "too many failed logins from " + from.getHostAddress() + " (" + MAX_FAILURES
            + " in " + WINDOW_SECONDS + " s); retry after " + seconds + " s\n");
      }
      return;
    }
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (allowed(header)) {
      ticket.release();
      chain.doFilter(exchange);
      return;
    }
    if (header == null) {
      ticket.release(); // a browser's first request, before the challenge: no guess
    } else {
      ticket.failed();
    }
    try (exchange) {
      exchange.getResponseHeaders().set("WWW-Authenticate", challenge);
      Responses.text(exchange, 401, "authentication required; accepted: " + (token != null ? "Bearer TOKEN" : "")
          + (token != null && users != null ? " or " : "") + (users != null ? "Basic (http_password_file)" : "")
          + "\n");
    }
  }

  boolean allowed(String header) {
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
      if (colon < 0) {
        return false;
      }
      PasswordHash hash = users.hash(pair.substring(0, colon));
      byte[] password = pair.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
      if (hash == null) {
        verify(dummy, password); // an unknown user pays a hash too: answering at once would tell who exists
        return false;
      }
      return verify(hash, password);
    }
    return false;
  }

  private boolean verify(PasswordHash hash, byte[] password) {
    hashes.incrementAndGet();
    return hash.matches(password);
  }

  /** Password hashes computed so far, known and unknown users alike (tests). */
  long hashes() {
    return hashes.get();
  }

  @Override
  public String description() {
    return "bearer token or basic auth of http_listener";
  }
}
