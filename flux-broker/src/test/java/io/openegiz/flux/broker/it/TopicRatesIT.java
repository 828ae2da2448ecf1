package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.MetricsEndpointIT.sample;
import static io.openegiz.flux.broker.it.MetricsEndpointIT.scrape;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.TopicMetrics;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Per-topic rates on /metrics, fed by mosquitto_pub processes publishing the spec's topics of 6 factories
 * under a cap of 4 series: one named filter and 3 places get series, the other 3 factories count as "other",
 * and the sums stay exact.
 */
class TopicRatesIT {
  @Test
  void mosquittoPublishersAreCountedPerFilterAndPlaceUpToTheCap() throws Exception {
    TopicMetrics topics = new TopicMetrics(List.of(new TopicMetrics.Filter("electrical",
        "openegiz/+/+/+/electrical/#")), true, 4);
    try (TestBroker broker = TestBroker.start(b -> b.http(new HttpConfig(0, "127.0.0.1", "test").withTopics(topics)))) {
      for (int f = 1; f <= 6; f++) {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", Integer.toString(broker.port()),
            "-t", "openegiz/factory-" + f + "/oven/oven-001/electrical/telemetry", "-m", "{\"v\":230.1}", "-q", "1")
            .redirectErrorStream(true).start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
      }
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        String page = scrape(http, broker);
        assertThat(sample(page, "flux_filter_messages_received_total{filter=\"electrical\"}")).isEqualTo(6.0);
        assertThat(sample(page, "flux_filter_messages_received_bytes_total{filter=\"electrical\"}")).isEqualTo(66.0);
        String place = "flux_hierarchy_messages_received_total{equipment_type=\"oven\",factory_id=\"factory-%d\","
            + "sensor_type=\"electrical\"}";
        for (int f = 1; f <= 3; f++) {
          assertThat(sample(page, place.formatted(f))).isEqualTo(1.0);
        }
        assertThat(sample(page, place.formatted(4))).isNull(); // beyond the cap
        assertThat(sample(page, "flux_hierarchy_messages_received_total{equipment_type=\"other\","
            + "factory_id=\"other\",sensor_type=\"other\"}")).isEqualTo(3.0);
        assertThat(sample(page, "flux_topic_series")).isEqualTo(4.0);
        assertThat(sample(page, "flux_topic_series_limit")).isEqualTo(4.0);
      });
    }
  }
}
