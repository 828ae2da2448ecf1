package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The names test (issue 10): a real Mosquitto ({@code /usr/sbin/mosquitto}, {@code sys_interval 1}) and
 * Flux each publish their {@code $SYS} tree; every Mosquitto topic is listed in docs/sys.md, every one listed
 * as published is published by Flux and the others are not, Flux adds topics only under
 * {@code $SYS/broker/flux/}, and what sapcc/mosquitto-exporter makes of Flux's tree holds every series the
 * Mosquitto dashboards query (reefland's grafana.com 22666 and the mosquitto_-prefixed community one).
 */
class SysNamesIT {
  private static final String MOSQUITTO = "/usr/sbin/mosquitto";
  /** Metric names the dashboards query, as the exporter names them (observability.md section 1.4). */
  private static final Set<String> DASHBOARD_SERIES = Set.of("broker_uptime", "broker_clients_total",
      "broker_clients_connected", "broker_clients_disconnected", "broker_messages_sent", "broker_messages_received",
      "broker_messages_stored", "broker_subscriptions_count", "broker_bytes_received", "broker_bytes_sent",
      "broker_publish_messages_sent", "broker_publish_messages_received", "broker_publish_messages_dropped",
      "broker_load_messages_received_1min", "broker_load_messages_sent_1min", "broker_load_sockets_1min",
      "broker_load_connections_1min");
  /** The exporter's parseValue: the first number in the payload. */
  private static final Pattern EXPORTER_VALUE = Pattern.compile("-?\\d{1,}[.]\\d{1,}|\\d{1,}");
  private static final Pattern DOC_ROW = Pattern.compile("^\\| `(\\$SYS/[^`]+)` \\| (yes|no) \\|.*");

  @TempDir
  Path tmp;

  @Test
  void fluxPublishesEveryMosquittoNameItDocuments() throws Exception {
    assertThat(new File(MOSQUITTO).canExecute()).as("mosquitto (apt-get install mosquitto)").isTrue();
    Map<String, String> mosquitto = mosquittoTree();
    Map<String, String> flux;
    try (TestBroker broker = TestBroker.start(b -> b.sysInterval(1))) {
      flux = tree(broker.port());
    }
    Map<String, Boolean> documented = documented();
    assertThat(mosquitto).as("Mosquitto 2.0's tree without bridges has 53 topics").hasSizeGreaterThanOrEqualTo(53);
    assertThat(documented.keySet()).as("docs/sys.md lists every topic Mosquitto publishes")
        .containsAll(mosquitto.keySet());
    Set<String> published = new TreeSet<>();
    Set<String> absent = new TreeSet<>();
    documented.forEach((topic, yes) -> (yes ? published : absent).add(topic));
    assertThat(flux.keySet()).as("what docs/sys.md says Flux publishes").containsAll(published);
    assertThat(flux.keySet()).as("what docs/sys.md says Flux does not publish").doesNotContainAnyElementsOf(absent);
    assertThat(flux.keySet()).filteredOn(t -> !t.startsWith("$SYS/broker/flux/"))
        .as("outside $SYS/broker/flux/, only Mosquitto's names").isSubsetOf(mosquitto.keySet());
    Set<String> series = new TreeSet<>();
    flux.forEach((topic, value) -> {
      if (!topic.equals("$SYS/broker/version")) {
        assertThat(EXPORTER_VALUE.matcher(value).find()).as("%s=%s has a number for the exporter", topic, value)
            .isTrue();
        series.add(exporterName(topic));
      }
    });
    assertThat(series).containsAll(DASHBOARD_SERIES);
  }

  /** sapcc/mosquitto-exporter's parseTopic. */
  private static String exporterName(String topic) {
    return topic.replaceFirst("\\$SYS/", "").replace('/', '_').replace(' ', '_').replace('-', '_').replace('.', '_');
  }

  private Map<String, String> mosquittoTree() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path conf = Files.writeString(tmp.resolve("mosquitto.conf"),
        "listener " + port + " 127.0.0.1\nallow_anonymous true\nsys_interval 1\npersistence false\n");
    Process mosquitto = new ProcessBuilder(MOSQUITTO, "-c", conf.toString()).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("mosquitto.log").toFile()).start();
    try {
      await().atMost(Duration.ofSeconds(10)).until(() -> listening(port));
      return tree(port);
    } finally {
      mosquitto.destroyForcibly().waitFor();
    }
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 200);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Every {@code $SYS} topic a broker publishes, with its last value: the retained copies sent on
   * subscribing, then live ones until uptime has come twice (a whole publication has passed).
   */
  private static Map<String, String> tree(int port) {
    Map<String, String> topics = new ConcurrentHashMap<>();
    AtomicInteger uptimes = new AtomicInteger();
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("sys-names").serverHost("127.0.0.1").serverPort(port)
        .buildBlocking();
    c.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> {
      String topic = p.getTopic().toString();
      topics.put(topic, new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8));
      if (topic.equals("$SYS/broker/uptime")) {
        uptimes.incrementAndGet();
      }
    });
    c.connect();
    try {
      c.subscribeWith().topicFilter("$SYS/#").send();
      await().atMost(Duration.ofSeconds(10)).until(() -> uptimes.get() >= 2);
      return new TreeMap<>(topics);
    } finally {
      c.disconnect();
    }
  }

  /** The rows of docs/sys.md's Mosquitto table: topic, and whether Flux publishes it. */
  private static Map<String, Boolean> documented() throws IOException {
    Path doc = Path.of("docs/sys.md");
    doc = Files.exists(doc) ? doc : Path.of("..").resolve(doc);
    Map<String, Boolean> rows = new TreeMap<>();
    for (String line : Files.readAllLines(doc, StandardCharsets.UTF_8)) {
      Matcher m = DOC_ROW.matcher(line);
      if (m.matches()) {
        rows.put(m.group(1), m.group(2).equals("yes"));
      }
    }
    assertThat(rows).as("rows of docs/sys.md").isNotEmpty();
    return rows;
  }
}
