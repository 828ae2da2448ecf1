package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.Pem;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code flux up} with an {@code http_listener}: the broker's and the archiver's metrics on one endpoint, in a
 * process of its own fed by its simulated fleet; the page passes Debian's {@code promtool check metrics}.
 */
class UpMetricsIT {
  private static final List<String> ARCHIVER = List.of("flux_archiver_info{sink=\"questdb\"} 1",
      "flux_archiver_connected 1", "flux_archiver_sink_up 1", "flux_archiver_messages_received_total",
      "flux_archiver_messages_acknowledged_total", "flux_archiver_messages_ignored_total",
      "flux_archiver_messages_without_timestamp_total", "flux_archiver_points_written_total",
      "flux_archiver_batches_total", "flux_archiver_write_retries_total",
      "flux_archiver_dead_letters_total{reason=\"invalid_payload\"}",
      "flux_archiver_dead_letters_total{reason=\"invalid_topic\"}",
      "flux_archiver_dead_letters_total{reason=\"refused\"}",
      "flux_archiver_dead_letters_total{reason=\"archiver_error\"}", "flux_archiver_points_in_flight ",
      "flux_archiver_points_in_flight_limit ", "flux_archiver_lag_seconds ",
      "flux_archiver_batch_duration_seconds_bucket{le=");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void brokerAndArchiverShareTheEndpoint() throws Exception {
    int mqtt = FluxProcess.freePort();
    int web = FluxProcess.freePort();
    Path conf = Files.writeString(dir.resolve("flux.conf"), "listener " + mqtt + " 127.0.0.1\nallow_anonymous true\n"
        + "http_listener " + web + "\nmetrics_topic_filter electrical openegiz/+/+/+/electrical/#\n" + tlsListener());
    Path log = Path.of("target", "up-metrics-it-" + System.nanoTime() + ".log").toAbsolutePath();
    try (FluxProcess up = FluxProcess.start(log, "up", "-c", conf.toString(), "--data", dir.resolve("data")
        .toString(), "--questdb-port", String.valueOf(FluxProcess.freePort()), "--fleet", "2", "--no-progress")
        .awaitLog("flux up: running", Duration.ofSeconds(60))) {
      String[] page = new String[1];
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        page[0] = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        assertThat(page[0]).doesNotContain("flux_archiver_points_written_total 0.0");
        assertThat(page[0]).doesNotContain("flux_messages_received_total{qos=\"1\"} 0.0");
      });
      for (String series : ARCHIVER) {
        assertThat(page[0]).as(series).contains("\n" + series);
      }
      assertThat(page[0]).contains("\nflux_hierarchy_messages_received_total{").contains("\njvm_memory_used_bytes{");
      Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
      promtool.getOutputStream().write(page[0].getBytes(StandardCharsets.UTF_8));
      promtool.getOutputStream().close();
      String said = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as(said).isZero();
      assertThat(said).isBlank();
      dashboardAnswers(web);
    }
  }

  /** A TLS listener with client certificates and a CRL (the dashboard's TLS panels), on files made now. */
  private String tlsListener() throws Exception {
    Duration day = Duration.ofDays(1);
    CertificateAuthority ca = CertificateAuthority.create("flux-test-ca", KeyType.EC, day);
    Path caFile = Files.writeString(dir.resolve("ca.crt"), Pem.text(ca.ca().certificate()));
    Path crl = Files.writeString(dir.resolve("ca.crl"), Pem.text(ca.crl(List.of(), day)));
    ca.server("localhost", List.of("localhost"), List.of("127.0.0.1"), KeyType.EC, day)
        .write(dir.resolve("server.crt"), dir.resolve("server.key"));
    return "listener " + FluxProcess.freePort() + " 127.0.0.1\ncertfile " + dir.resolve("server.crt") + "\nkeyfile "
        + dir.resolve("server.key") + "\ncafile " + caFile + "\ncrlfile " + crl + "\nrequire_certificate true\n";
  }

  /**
   * A real Prometheus (deploy/monitoring/check_live.py) scrapes this {@code flux up} and answers every panel query
   * of the Grafana dashboard, broker and archiver alike; only those of metrics docs/metrics.md marks "not yet"
   * may come back empty.
   */
  private static void dashboardAnswers(int web) throws Exception {
    Set<String> notYet = new HashSet<>();
    Matcher row = Pattern.compile("^\\| `([a-z_]+)` \\|.*\\| not yet[^|]*\\|$", Pattern.MULTILINE)
        .matcher(Files.readString(Path.of("..", "docs", "metrics.md")));
    while (row.find()) {
      notYet.add(row.group(1));
    }
    Process p = new ProcessBuilder("python3", "../deploy/monitoring/check_live.py", "dashboard", "--target",
        "127.0.0.1:" + web).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
    System.out.println(out); // the queries that came back empty, for the build log
    assertThat(out).containsPattern("\\d+ passed, \\d+ failed");
    List<String> unexplained = out.lines().filter(l -> l.contains(": no data: ") || l.contains("error"))
        .filter(l -> notYet.stream().noneMatch(l::contains)).toList();
    assertThat(unexplained).as(out).isEmpty();
  }
}
