package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.security.PasswordHash;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flux archive}'s own {@code http_listener} with the broker's {@code http_auth_token_file} and
 * {@code http_password_file}: a real {@code flux archive} process (its database down, as in
 * {@code LauncherClasspathIT}) asked by the JDK's HTTP client.
 */
class ArchiveHttpAuthIT {
  private static final String TOKEN = "c2VjcmV0LXRva2VuLWZvci1wcm9tZXRoZXVz";
  private final HttpClient client = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void metricsNeedTheTokenOrAPasswordHealthDoesNot() throws Exception {
    Path token = Files.writeString(dir.resolve("token"), TOKEN + "\n");
    Path passwd = Files.writeString(dir.resolve("passwd"), "prometheus:" + PasswordHash.create(
        "scrape-me".getBytes(StandardCharsets.UTF_8), 1000, new SecureRandom()).encoded() + "\n");
    int web = FluxProcess.freePort();
    int closedDatabase = FluxProcess.freePort();
    Path conf = Files.writeString(dir.resolve("archive.conf"), "http_listener " + web + "\nhttp_auth_token_file "
        + token + "\nhttp_password_file " + passwd + "\n");
    FluxBroker broker = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build().start();
    Path log = Path.of("target", "archive-http-auth-it-" + System.nanoTime() + ".log").toAbsolutePath();
    try (broker;
        FluxProcess archive = FluxProcess.start(log, "archive", "-c", conf.toString(), "--broker",
            "tcp://127.0.0.1:" + broker.port(), "--influx-url", "http://127.0.0.1:" + closedDatabase, "--db", "d",
            "--dead-letter", dir.resolve("dl").toString(), "--no-progress")
            .awaitLog("listening for HTTP", Duration.ofSeconds(60))) {
      String base = "http://127.0.0.1:" + web;
      HttpResponse<String> refused = get(base + "/metrics", null);
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).contains("Basic realm=\"flux\", charset=\"UTF-8\"");
      assertThat(refused.body()).contains("accepted: Bearer TOKEN or Basic");
      assertThat(get(base + "/metrics", "Bearer " + TOKEN).body()).contains("flux_archiver_connected");
      assertThat(get(base + "/metrics", "Bearer " + TOKEN + "x").statusCode()).isEqualTo(401);
      String basic = Base64.getEncoder().encodeToString("prometheus:scrape-me".getBytes(StandardCharsets.UTF_8));
      assertThat(get(base + "/metrics", "Basic " + basic).statusCode()).isEqualTo(200);
      String wrong = Base64.getEncoder().encodeToString("prometheus:wrong".getBytes(StandardCharsets.UTF_8));
      assertThat(get(base + "/metrics", "Basic " + wrong).statusCode()).isEqualTo(401);
      assertThat(get(base + "/health", null).statusCode()).isIn(200, 503); // open, whatever it says
      assertThat(archive.output()).doesNotContain("is not loopback");
    }
  }

  private HttpResponse<String> get(String url, String authorization) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(url));
    return client.send(authorization == null ? r.build() : r.header("Authorization", authorization).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
