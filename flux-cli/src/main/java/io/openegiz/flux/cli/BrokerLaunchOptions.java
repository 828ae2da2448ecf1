package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.BrokerUnderTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Option;

/**
 * Options of every bench command that starts the brokers itself ({@code compare} and the scenarios of
 * {@link BrokerOptions}), and the one place that turns them into a Flux broker process.
 */
class BrokerLaunchOptions {
  /**
   * Flux limits each client to 100 publishes a second by default (max_publish_rate, a Flux-only key);
   * a capacity benchmark must measure the broker, not that limit, and Mosquitto has no such limit.
   */
  static final String NO_RATE_LIMIT = "max_publish_rate 0\n";
  /** The load generator opens thousands of connections from loopback at once; Mosquitto has no such cap. */
  static final String LOCAL_LOAD = "auth_exempt_loopback true\n";

  @Option(names = "--mosquitto", defaultValue = "/usr/sbin/mosquitto",
      description = "Mosquitto executable (default: ${DEFAULT-VALUE}).")
  String mosquitto;
  @Option(names = "--max-inflight", defaultValue = "100",
      description = "max_inflight_messages for both brokers (default: ${DEFAULT-VALUE}).")
  int maxInflight;
  @Option(names = "--broker-java-opts", defaultValue = "",
      description = "Extra JVM options of the Flux broker process, e.g. -XX:StartFlightRecording=...")
  String brokerJavaOpts;
  @Option(names = "--out", defaultValue = "bench-results",
      description = "Folder for configs, certificates, broker logs, JSON and HTML (default: ${DEFAULT-VALUE}).")
  Path out;
  @Option(names = "--json", paramLabel = "FILE", description = "JSON results (default: OUT/SCENARIO.json).")
  Path json;
  @Option(names = "--html", paramLabel = "FILE", description = "HTML page with charts (default: OUT/SCENARIO.html).")
  Path html;
  @Option(names = "--scrape-metrics", paramLabel = "SECONDS", defaultValue = "0",
      description = {"Flux also serves http_listener on a free loopback port, and /metrics is read every SECONDS",
          "while it runs, as Prometheus would: what the endpoint costs (default: 0, no endpoint)."})
  int scrapeMetrics;

  private Scraper scraper;

  /** Reads /metrics every interval on a daemon thread, whenever the broker answers, and counts the scrapes. */
  private record Scraper(int port, AtomicLong scrapes, AtomicLong bytes) {
    static Scraper start(int port, int seconds) {
      Scraper s = new Scraper(port, new AtomicLong(), new AtomicLong());
      HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .timeout(Duration.ofSeconds(5)).build();
      Thread.ofPlatform().daemon().name("bench-metrics-scraper").start(() -> {
        while (true) {
          try {
            HttpResponse<byte[]> r = http.send(get, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() == 200) {
              s.scrapes().incrementAndGet();
              s.bytes().addAndGet(r.body().length);
            }
          } catch (IOException e) {
            // the broker is not running now (between scenarios): try again at the next interval
          } catch (InterruptedException e) {
            return;
          }
          try {
            Thread.sleep(Duration.ofSeconds(seconds));
          } catch (InterruptedException e) {
            return;
          }
        }
      });
      return s;
    }
  }

  /** What the scraper did, for the report; empty without --scrape-metrics. */
  String scrapeSummary() {
    return scraper == null
        ? ""
        : String.format("/metrics read %,d times every %d s (%,d bytes in all) from http_listener %d%n",
            scraper.scrapes().get(), scrapeMetrics, scraper.bytes().get(), scraper.port());
  }

  /** The http_listener line of Flux's configuration, and the scraper, when --scrape-metrics asks for them. */
  private String httpListener() throws IOException {
    if (scrapeMetrics <= 0) {
      return "";
    }
    if (scraper == null) {
      int port;
      try (ServerSocket probe = new ServerSocket(0)) {
        port = probe.getLocalPort();
      }
      scraper = Scraper.start(port, scrapeMetrics);
    }
    return "http_listener " + scraper.port() + " 127.0.0.1\n";
  }

  Path json(String scenario) {
    return json != null ? json : out.resolve(scenario + ".json");
  }

  Path html(String scenario) {
    return html != null ? html : out.resolve(scenario + ".html");
  }

  /**
   * Flux as a separate JVM ({@code flux broker -c CONF}) without the publish-rate limit; with
   * {@code durable}, {@code persistence true} on a store in OUT/flux-store that is emptied first.
   */
  BrokerUnderTest flux(String name, int maxQueued, boolean durable) throws IOException {
    String store = "";
    if (durable) {
      Path dir = out.toAbsolutePath().resolve("flux-store");
      BenchCommand.deleteTree(dir); // a fresh store: recovery time is not what this measures
      store = "persistence true\npersistence_location " + dir + "\n";
    }
    String persistence = store;
    String http = httpListener();
    return new BrokerUnderTest(name,
        p -> BrokerUnderTest.commonConfig(p, maxInflight, maxQueued).replace("persistence false\n", persistence)
            + NO_RATE_LIMIT + LOCAL_LOAD + http,
        conf -> BenchCommand.fluxCommand(brokerJavaOpts, conf));
  }
}
