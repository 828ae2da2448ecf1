package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TlsConfig;
import io.openegiz.flux.pki.Pem;
import java.nio.file.Files;
import io.openegiz.flux.broker.config.TopicMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /metrics} of a broker that HiveMQ clients use: the values count what they did, every metric
 * docs/metrics.md says is produced is there with every listed label value, and Debian's
 * {@code promtool check metrics} accepts the page.
 */
class MetricsEndpointIT {
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  static String scrape(HttpClient http, TestBroker broker) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + broker.broker().http().orElseThrow().port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  /** The value of one sample line, e.g. {@code flux_messages_received_total{qos="1"}}; null when absent. */
  static Double sample(String page, String series) {
    for (String line : page.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).strip());
      }
    }
    return null;
  }

  /** A TLS listener with client certificates and a CRL, on files made in {@code dir}: every TLS series exists. */
  static ListenerConfig tlsListener(Path dir) throws Exception {
    TlsMaterial m = TlsMaterial.create(dir);
    Path crl = Files.writeString(dir.resolve("ca.crl"), Pem.text(m.ca().crl(List.of(), Duration.ofDays(1))));
    return new ListenerConfig(0, "127.0.0.1", "tls").withTls(new TlsConfig(m.certFile(), m.keyFile(), m.caFile(),
        crl, List.of("TLSv1.3"), null, null, true, false, false));
  }

  /** Persistence, a plain and a TLS listener (nobody uses it: its series exist at 0 all the same), a filter. */
  private BrokerConfig.Builder everything(BrokerConfig.Builder b) {
    try {
      return b.persistence(true).persistenceLocation(dir.resolve("store"))
          .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "plain"), tlsListener(dir)))
          .connectTimeout(Duration.ofSeconds(1))
          .http(new HttpConfig(0, "127.0.0.1", "test").withTopics(new TopicMetrics(List.of(new TopicMetrics.Filter(
              "thermal", "openegiz/+/+/+/thermal/#")), true, 512)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void countsWhatRealClientsDoAndHonoursTheContract() throws Exception {
    try (TestBroker broker = TestBroker.start(this::everything)) {
      Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("sub").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      Mqtt5BlockingClient pub = Mqtt5Client.builder().identifier("pub").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      sub.connectWith().sessionExpiryInterval(60).send(); // persistent: its QoS 1/2 deliveries are stored
      pub.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes got = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        sub.subscribeWith().topicFilter("openegiz/#").qos(MqttQos.EXACTLY_ONCE).send();
        for (MqttQos qos : MqttQos.values()) {
          pub.publishWith().topic("openegiz/factory-a/oven/oven-001/thermal/telemetry")
              .payload("{\"t\":21.5}".getBytes(StandardCharsets.UTF_8)).qos(qos).send();
        }
        for (int i = 0; i < 3; i++) {
          assertThat(got.receive(5, TimeUnit.SECONDS)).isPresent();
        }
      }
      String listener = "127.0.0.1:" + broker.port(); // as the connections name it (port 0 resolved)
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        String page = scrape(http, broker);
        for (int qos = 0; qos <= 2; qos++) {
          assertThat(sample(page, "flux_messages_received_total{qos=\"" + qos + "\"}")).isEqualTo(1.0);
          assertThat(sample(page, "flux_messages_received_bytes_total{qos=\"" + qos + "\"}")).isEqualTo(10.0);
          assertThat(sample(page, "flux_messages_sent_total{qos=\"" + qos + "\"}")).isEqualTo(1.0);
        }
        assertThat(sample(page, "flux_connections{listener=\"" + listener + "\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_connections_opened_total{listener=\"" + listener + "\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_sessions{state=\"online\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_subscriptions")).isEqualTo(1.0);
        assertThat(sample(page, "flux_auth_successes_total{method=\"anonymous\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_store_batches_total")).isPositive();
        assertThat(sample(page, "flux_store_unavailable")).isEqualTo(0.0);
        assertThat(sample(page, "flux_store_batch_write_seconds_count")).isPositive();
        assertThat(sample(page, "flux_build_info{version=\"development\"}")).isEqualTo(1.0);
        assertThat(sample(page, "flux_filter_messages_sent_total{filter=\"thermal\"}")).isEqualTo(3.0);
        assertThat(sample(page, "flux_packets_received_total{type=\"connect\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_packets_received_total{type=\"pubrel\"}")).isEqualTo(1.0); // the QoS 2 publish
        assertThat(sample(page, "flux_packets_sent_total{type=\"connack\"}")).isEqualTo(2.0);
        assertThat(sample(page, "flux_packets_sent_total{type=\"publish\"}")).isEqualTo(3.0);
        assertThat(sample(page, "flux_publish_latency_seconds_count")).isEqualTo(3.0);
      });
      sub.disconnect();
      try (java.net.Socket silent = new java.net.Socket("127.0.0.1", broker.port())) { // never sends CONNECT
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
          String page = scrape(http, broker);
          assertThat(sample(page, "flux_connections{listener=\"" + listener + "\"}")).isEqualTo(1.0);
          assertThat(sample(page, "flux_connections_closed_total{reason=\"client_disconnect\"}")).isEqualTo(1.0);
          assertThat(sample(page, "flux_connections_refused_total{reason=\"connect_timeout\"}")).isEqualTo(1.0);
        });
      }
      String page = scrape(http, broker);
      assertThat(missing(page)).isEmpty();
      assertThat(promtool(page)).isEmpty();
      pub.disconnect();
    }
  }

  @Test
  void expiredSessionsAreCounted() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.http(new HttpConfig(0, "127.0.0.1", "test")))) {
      Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("short-lived").serverHost(broker.host())
          .serverPort(broker.port()).buildBlocking();
      c.connectWith().sessionExpiryInterval(1).send();
      c.disconnect();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        String page = scrape(http, broker);
        assertThat(sample(page, "flux_sessions_expired_total")).isEqualTo(1.0);
        assertThat(sample(page, "flux_sessions{state=\"offline\"}")).isZero();
      });
    }
  }

  /** Every produced contract metric, with each fixed label value, that the page lacks. */
  static List<String> missing(String page) throws IOException {
    List<String> missing = new ArrayList<>();
    for (MetricsContract row : MetricsContract.read()) {
      if (!row.produced() || row.section().equals("Archiver")) {
        continue;
      }
      String series = switch (row.type()) {
        case "histogram" -> row.name() + "_bucket";
        case "summary" -> row.name() + "_count";
        default -> row.name();
      };
      if (!page.contains("\n" + series + (row.labels().isEmpty() && !row.type().equals("histogram") ? " " : "{"))) {
        missing.add(series);
        continue;
      }
      for (Map.Entry<String, List<String>> label : row.labels().entrySet()) {
        for (String value : label.getValue()) {
          if (!page.contains(label.getKey() + "=\"" + value + "\"")) {
            missing.add(series + "{" + label.getKey() + "=\"" + value + "\"}");
          }
        }
      }
    }
    return missing;
  }

  /** What {@code promtool check metrics} says about the page: empty when it passes. */
  static String promtool(String page) throws Exception {
    Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
    p.getOutputStream().write(page.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() == 0 ? out.strip() : "exit " + p.exitValue() + ": " + out;
  }
}
