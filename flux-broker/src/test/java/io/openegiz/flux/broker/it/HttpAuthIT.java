package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.security.PasswordHash;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** http_auth_token_file and http_password_file: 401 without credentials, 200 with either; /health stays open. */
class HttpAuthIT {
  private static final String TOKEN = "c2VjcmV0LXRva2VuLWZvci1wcm9tZXRoZXVz";
  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  private int status(String url, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return client.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void metricsNeedATokenOrAPasswordHealthDoesNot() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path passwd = Files.writeString(dir.resolve("passwd"), "prometheus:" + PasswordHash.create(
        "scrape-me".getBytes(StandardCharsets.UTF_8), 1000, new SecureRandom()).encoded() + "\n");
    try (TestBroker broker = TestBroker
        .start(b -> b.http(new HttpConfig(0, "127.0.0.1", "test").withAuth(token, passwd)))) {
      String base = "http://127.0.0.1:" + broker.broker().http().orElseThrow().port();
      HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"flux\", charset=\"UTF-8\"");
      assertThat(refused.body()).contains("accepted: Bearer TOKEN or Basic");
      assertThat(status(base + "/metrics", "Bearer " + TOKEN)).isEqualTo(200);
      assertThat(status(base + "/metrics", "Bearer " + TOKEN + "x")).isEqualTo(401);
      assertThat(status(base + "/metrics", basic("prometheus", "scrape-me"))).isEqualTo(200);
      assertThat(status(base + "/metrics", basic("prometheus", "wrong"))).isEqualTo(401);
      assertThat(status(base + "/metrics", basic("nobody", "scrape-me"))).isEqualTo(401);
      assertThat(status(base + "/metrics", "Basic %%%")).isEqualTo(401);
      assertThat(status(base + "/health", null)).isEqualTo(200);
      broker.broker().http().orElseThrow().route("/later", exchange -> {
        exchange.sendResponseHeaders(204, -1);
        exchange.close();
      });
      assertThat(status(base + "/later", null)).isEqualTo(401); // a page added later is protected too
      assertThat(status(base + "/later", "Bearer " + TOKEN)).isEqualTo(204);
      assertThat(status(base + "/status/fleet.json", null)).isEqualTo(401); // the status page too
      assertThat(status(base + "/status/fleet.json", "Bearer " + TOKEN)).isEqualTo(200);
    }
  }

  /**
   * Off loopback the status page is served only with credentials (issue 10): without them its paths answer 403
   * saying what to set, while /metrics and /health stay for a Prometheus and a health check; with a token, the
   * page is there behind it. (Bound to every address, reached on loopback.)
   */
  @Test
  void offLoopbackTheStatusPageNeedsCredentials() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.http(new HttpConfig(0, "0.0.0.0", "test")))) {
      String base = "http://127.0.0.1:" + broker.broker().http().orElseThrow().port();
      for (String path : new String[] {"/", "/status", "/status/fleet.json", "/status/events"}) {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path).isEqualTo(403);
        assertThat(r.body()).contains("is not loopback", "http_auth_token_file", "http_password_file");
      }
      assertThat(status(base + "/metrics", null)).isEqualTo(200);
      assertThat(status(base + "/health", null)).isEqualTo(200);
    }
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    try (
        TestBroker broker = TestBroker.start(b -> b.http(new HttpConfig(0, "0.0.0.0", "test").withAuth(token, null)))) {
      String base = "http://127.0.0.1:" + broker.broker().http().orElseThrow().port();
      assertThat(status(base + "/status/fleet.json", null)).isEqualTo(401);
      assertThat(status(base + "/status/fleet.json", "Bearer " + TOKEN)).isEqualTo(200);
    }
  }

  /**
   * Guessing is throttled per address: after five wrong passwords within a minute the address gets 429 with
   * Retry-After, its credentials not checked (the right password is refused too); another address still gets
   * in, and /health stays open. Requests without credentials are not guesses.
   */
  @Test
  void fiveWrongPasswordsFromOneAddressGet429WithRetryAfter() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), "prometheus:" + PasswordHash.create(
        "scrape-me".getBytes(StandardCharsets.UTF_8), 1000, new SecureRandom()).encoded() + "\n");
    try (TestBroker broker = TestBroker
        .start(b -> b.http(new HttpConfig(0, "127.0.0.1", "test").withAuth(null, passwd)))) {
      String base = "http://127.0.0.1:" + broker.broker().http().orElseThrow().port();
      for (int i = 0; i < 3; i++) {
        assertThat(status(base + "/metrics", null)).isEqualTo(401);
      }
      for (int i = 0; i < 5; i++) {
        assertThat(status(base + "/metrics", basic(i % 2 == 0 ? "prometheus" : "guess" + i, "wrong" + i)))
            .as("guess %d", i).isEqualTo(401);
      }
      HttpRequest right = HttpRequest.newBuilder(URI.create(base + "/metrics"))
          .header("Authorization", basic("prometheus", "scrape-me")).build();
      HttpResponse<String> locked = client.send(right, HttpResponse.BodyHandlers.ofString());
      assertThat(locked.statusCode()).isEqualTo(429);
      assertThat(locked.headers().firstValue("Retry-After").map(Integer::parseInt)).hasValueSatisfying(
          s -> assertThat(s).isBetween(1, 60));
      assertThat(locked.body()).contains("too many failed logins", "retry after");
      assertThat(status(base + "/health", null)).isEqualTo(200);

      HttpClient other = HttpClient.newBuilder().localAddress(InetAddress.getByName("127.0.0.2")).build();
      assertThat(other.send(right, HttpResponse.BodyHandlers.discarding()).statusCode())
          .as("another address").isEqualTo(200);
    }
  }
}
