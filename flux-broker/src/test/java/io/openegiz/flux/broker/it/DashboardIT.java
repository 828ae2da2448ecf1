package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.config.TopicMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Prometheus (Debian's, started by deploy/monitoring/check_live.py on a free loopback port, scrape
 * interval 1 s) scrapes a Flux under load from HiveMQ clients publishing the spec's topics, and answers every
 * panel query of the Grafana dashboard. A query may come back empty only when it uses a metric that
 * docs/metrics.md marks "not yet", or an archiver metric (no archiver runs here).
 */
class DashboardIT {
  private static final Pattern METRIC = Pattern.compile("\\b((?:flux|jvm|process)_[a-z_]+)");
  private static final String[] SENSORS = {"electrical", "thermal", "environmental"};

  @TempDir
  Path dir;

  @Test
  void everyDashboardQueryReturnsDataFromARealPrometheus() throws Exception {
    TopicMetrics topics = new TopicMetrics(List.of(new TopicMetrics.Filter("electrical",
        "openegiz/+/+/+/electrical/#")), true, 512);
    ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
    ListenerConfig tls = MetricsEndpointIT.tlsListener(dir); // the TLS panels need a TLS listener
    try (TestBroker broker = TestBroker.start(b -> b.persistence(true).persistenceLocation(dir.resolve("store"))
        .listeners(List.of(new ListenerConfig(0, "127.0.0.1", "plain"), tls))
        .http(new HttpConfig(0, "127.0.0.1", "test").withTopics(topics)))) {
      Mqtt5AsyncClient subscriber = Mqtt5Client.builder().identifier("egizcore").serverHost(broker.host())
          .serverPort(broker.port()).buildAsync();
      subscriber.connectWith().sessionExpiryInterval(300).send().get(5, TimeUnit.SECONDS);
      subscriber.subscribeWith().topicFilter("openegiz/#").qos(MqttQos.AT_LEAST_ONCE).callback(p -> {})
          .send().get(5, TimeUnit.SECONDS);
      List<Mqtt5AsyncClient> devices = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Mqtt5AsyncClient d = Mqtt5Client.builder().identifier("esp32-oven00" + i).serverHost(broker.host())
            .serverPort(broker.port()).buildAsync();
        d.connect().get(5, TimeUnit.SECONDS);
        devices.add(d);
      }
      load.scheduleAtFixedRate(() -> {
        for (int i = 0; i < devices.size(); i++) {
          devices.get(i).publishWith().topic("openegiz/factory-a/oven/oven-00" + i + "/" + SENSORS[i] + "/telemetry")
              .payload("{\"v\":1.5}".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.fromCode(i % 3)).send();
        }
      }, 0, 50, TimeUnit.MILLISECONDS);

      Process p = new ProcessBuilder("python3", "../deploy/monitoring/check_live.py", "dashboard", "--target",
          "127.0.0.1:" + broker.broker().http().orElseThrow().port()).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
      System.out.println(out); // the queries that failed, for the build log
      assertThat(out).containsPattern("\\d+ passed, \\d+ failed");
      List<String> unexplained = out.lines().filter(l -> l.contains(": no data: ") || l.contains("error"))
          .filter(l -> !explained(l)).toList();
      assertThat(unexplained).as(out).isEmpty();
      Matcher passed = Pattern.compile("(\\d+) passed").matcher(out);
      assertThat(passed.find()).isTrue();
      assertThat(Integer.parseInt(passed.group(1))).as(out).isGreaterThanOrEqualTo(40);
    } finally {
      load.shutdownNow();
    }
  }

  /** True when the failed query uses a metric the endpoint does not produce (yet), or the archiver's. */
  private static boolean explained(String failure) throws RuntimeException {
    Set<String> absent;
    try {
      absent = MetricsContract.read().stream().filter(r -> !r.produced() || r.section().equals("Archiver"))
          .map(MetricsContract::name).collect(Collectors.toSet());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Matcher m = METRIC.matcher(failure.substring(failure.indexOf(": no data: ") + 1));
    while (m.find()) {
      String name = m.group(1).replaceAll("_(bucket|sum|count)$", "");
      if (absent.contains(name)) {
        return true;
      }
    }
    return false;
  }
}
