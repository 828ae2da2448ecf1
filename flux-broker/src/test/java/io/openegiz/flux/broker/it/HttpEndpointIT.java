package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.http.HttpListener;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The {@code http_listener} endpoint, asked by the JDK's HTTP client: /health, routes, refusals. */
class HttpEndpointIT {
  private final HttpClient client = HttpClient.newHttpClient();

  static BrokerConfig.Builder withHttp(BrokerConfig.Builder b) {
    return b.http(new HttpConfig(0, "127.0.0.1", "test"));
  }

  static String base(TestBroker broker) {
    return "http://127.0.0.1:" + broker.broker().http().orElseThrow().port();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void healthIsReadyJsonWhileTheBrokerRuns() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      HttpResponse<String> ready = get(base(broker) + "/health");
      assertThat(ready.statusCode()).isEqualTo(200);
      assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(ready.body()).isEqualTo(
          "{\"status\":\"ready\",\"live\":true,\"ready\":true,\"checks\":{\"broker\":\"ok\",\"listeners\":\"ok\"}}");
      assertThat(get(base(broker) + "/health/live").statusCode()).isEqualTo(200);
      assertThat(get(base(broker) + "/health/nothing").statusCode()).isEqualTo(404);
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(URI.create(base(broker) + "/health"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).contains("GET, HEAD");
    }
  }

  /** The request deploy/docker/Dockerfile's HEALTHCHECK makes with bash's /dev/tcp: HTTP/1.0, one line read. */
  @Test
  void theDockerHealthCheckRequestGets200() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp);
        java.net.Socket s = new java.net.Socket("127.0.0.1", broker.broker().http().orElseThrow().port())) {
      s.getOutputStream().write("GET /health HTTP/1.0\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream(),
          StandardCharsets.US_ASCII)).readLine();
      assertThat(status).contains(" 200 ");
    }
  }

  /**
   * Clients that send half a request line and stop: without a cap each held one of the broker's descriptors for
   * ever, no credentials needed (20,000 of them left MQTT clients with "Too many open files"). Those beyond
   * {@link HttpListener#MAX_CONNECTIONS} are closed at once, the rest after {@link HttpListener#MAX_REQUEST_SECONDS};
   * then /health answers again, and an event stream opened before is still live.
   */
  @Test
  void halfSentRequestsHoldAtMostTheCapAndOnlyForTheRequestTime() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      int port = broker.broker().http().orElseThrow().port();
      HttpResponse<java.io.InputStream> events = client.send(HttpRequest.newBuilder(URI.create(base(broker)
          + "/status/events")).build(), HttpResponse.BodyHandlers.ofInputStream());
      java.io.BufferedReader stream = new java.io.BufferedReader(new java.io.InputStreamReader(events.body(),
          StandardCharsets.UTF_8));
      List<Socket> slow = new ArrayList<>();
      try {
        for (int i = 0; i < HttpListener.MAX_CONNECTIONS + 100; i++) {
          Socket s = new Socket("127.0.0.1", port);
          s.setSoTimeout(1);
          s.getOutputStream().write("GET /health HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII));
          slow.add(s);
        }
        await("the connections beyond the cap closed by the broker").atMost(Duration.ofSeconds(5))
            .until(() -> slow.stream().filter(HttpEndpointIT::closedByPeer).count() >= 100);
        await("/health, once the half-sent requests timed out").atMost(Duration.ofSeconds(
            HttpListener.MAX_REQUEST_SECONDS + 10)).pollInterval(Duration.ofMillis(500))
            .until(() -> curlStatus(base(broker) + "/health").equals("200"));
        long after = System.currentTimeMillis();
        Pattern time = Pattern.compile("\"time\":(\\d+)");
        String line;
        while ((line = stream.readLine()) != null) {
          Matcher m = time.matcher(line);
          if (m.find() && Long.parseLong(m.group(1)) > after) {
            break;
          }
        }
        assertThat(line).as("an event of the stream opened before, sent after the requests timed out").isNotNull();
      } finally {
        for (Socket s : slow) {
          s.close();
        }
        events.body().close();
      }
    }
  }

  private static boolean closedByPeer(Socket s) {
    try {
      return s.getInputStream().read() < 0;
    } catch (java.net.SocketTimeoutException open) {
      return false;
    } catch (java.io.IOException reset) {
      return true;
    }
  }

  /** The status code curl gets, or its exit status when it gets none. */
  private static String curlStatus(String url) throws Exception {
    Process p = new ProcessBuilder("curl", "-s", "-m", "2", "-o", "/dev/null", "-w", "%{http_code}", url).start();
    String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? code : "exit " + p.exitValue();
  }

  @Test
  void healthIsNotReadyWhenAListenerIsMissing() throws Exception {
    FluxBroker broker = FluxBroker.builder(withHttp(BrokerConfig.builder().listener(0, "127.0.0.1")).build()).build();
    assertThat(broker.health().ready()).isFalse(); // not started
    assertThat(broker.health().checks()).containsEntry("broker", "starting").containsEntry("listeners", "0 of 1 bound");
    broker.start();
    assertThat(broker.health().ready()).isTrue();
    broker.close();
    assertThat(broker.health().checks()).containsEntry("broker", "stopped");
  }

  @Test
  void otherPartsAddRoutesBeforeOrAfterStart() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      HttpListener http = broker.broker().http().orElseThrow();
      http.route("/other", exchange -> {
        byte[] body = "page".getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      assertThat(get(base(broker) + "/other/x").body()).isEqualTo("page");
      assertThat(get(base(broker) + "/").body()).contains("<title>Flux status</title>"); // "/" is the status page
      assertThat(get(base(broker) + "/health").statusCode()).isEqualTo(200); // the longer prefix still wins
      assertThatThrownBy(() -> http.route("/health", exchange -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already routed");
      assertThatThrownBy(() -> http.route("/", exchange -> {}))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already routed");
    }
  }

  @Test
  void noEndpointWithoutTheKeyAndABusyPortStopsStartUp() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      assertThat(broker.broker().http()).isEmpty();
    }
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      BrokerConfig config = BrokerConfig.builder().listener(0, "127.0.0.1")
          .http(new HttpConfig(taken.getLocalPort(), "127.0.0.1", "flux.conf:7")).build();
      FluxBroker broker = FluxBroker.builder(config).build();
      assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
          .hasMessageStartingWith("cannot listen for HTTP on 127.0.0.1:" + taken.getLocalPort() + " (flux.conf:7): ");
      int mqttPort = broker.port();
      try (ServerSocket again = new ServerSocket(mqttPort, 1, java.net.InetAddress.getLoopbackAddress())) {
        assertThat(again.getLocalPort()).isEqualTo(mqttPort); // the MQTT listener it had bound is released
      }
    }
  }
}
