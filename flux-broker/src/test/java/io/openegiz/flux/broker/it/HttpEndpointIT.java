package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.http.HttpListener;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
