package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.TopicMetrics;
import io.openegiz.flux.broker.security.PasswordHash;
import io.openegiz.flux.broker.status.StatusPage;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status page in a real browser: a small fleet (HiveMQ clients, and one real {@code mosquitto_pub}
 * with an LWT) publishes status and telemetry, headless Chromium opens the page of {@code http_listener},
 * the DOM shows every device (a topic level that looks like HTML as text); {@code kill -9} of mosquitto_pub
 * makes the broker publish its LWT and the page turns that device offline within seconds (the spec allows
 * 30). Screenshots go to target/status-page/.
 */
class StatusPageIT {
  private static final Path SCREENSHOTS = Path.of("target", "status-page");
  private static final String PUB = "/usr/bin/mosquitto_pub";
  private static final String KILLED = "factory-b/press/press-01/thermal";
  private static final Duration SPEC_OFFLINE = Duration.ofSeconds(30);
  private static final String HOSTILE = "<img src=x onerror=document.title='pwned'>";

  @TempDir
  Path tmp;

  @Test
  void thePageShowsTheFleetLiveAndADeviceKilledWithItsLwtTurnsOffline() throws Exception {
    assertThat(HeadlessChromium.BINARY.toFile().canExecute()).as("chromium (apt-get install chromium)").isTrue();
    assertThat(new File(PUB).canExecute()).as("mosquitto_pub (apt-get install mosquitto-clients)").isTrue();
    List<Mqtt5BlockingClient> devices = new ArrayList<>();
    Process mosquitto = null;
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp);
        HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      devices.add(device(broker, "factory-a", "oven", "oven-001", "electrical", "1.2.3", -61));
      devices.add(device(broker, "factory-a", "oven", "oven-001", "thermal", "1.2.3", -58));
      devices.add(device(broker, "factory-a", "compressor", "comp-7", "electrical", "1.1.0", -77));
      mosquitto = mosquittoDevice(broker, KILLED);
      // Topic levels are the devices' to choose: one that looks like HTML must show as text.
      Mqtt5BlockingClient hostile = Clients.v5(broker, "hostile");
      devices.add(hostile);
      hostile.publishWith().topic(prefix("factory-a", "oven", HOSTILE, "electrical") + "/telemetry")
          .payload(Clients.bytes("{\"metadata\":{\"firmware_version\":\"<b>1</b>\",\"rssi\":-1}}")).send();

      chromium.navigate(HttpEndpointIT.base(broker) + "/");
      await("every device on the page, online").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(chromium.eval("document.querySelectorAll('tr[data-device]').length")).isEqualTo("5");
        assertThat(chromium.eval("document.querySelectorAll('tr[data-state=\"online\"]').length")).isEqualTo("4");
      });
      assertDetails(chromium);
      chromium.screenshot(SCREENSHOTS.resolve("fleet-online.png"));

      String killed = "document.querySelector('tr[data-device=\"" + KILLED + "\"]').dataset.state";
      assertThat(chromium.eval(killed)).isEqualTo("online");
      kill9(mosquitto);
      long killedAt = System.nanoTime();
      await("the killed device offline on the page").atMost(SPEC_OFFLINE)
          .untilAsserted(() -> assertThat(chromium.eval(killed)).isEqualTo("offline"));
      Duration shown = Duration.ofNanos(System.nanoTime() - killedAt);
      // The broker publishes the LWT as soon as it sees the socket close; the page follows within a tick or two.
      assertThat(shown).as("kill -9 to offline on the page").isLessThan(Duration.ofSeconds(5));
      assertThat(chromium.eval("document.querySelectorAll('tr[data-state=\"online\"]').length")).isEqualTo("3");
      assertThat(chromium.eval("document.getElementById('offline').textContent")).isEqualTo("1");
      chromium.screenshot(SCREENSHOTS.resolve("device-offline.png"));
      assertThat(SCREENSHOTS.resolve("device-offline.png")).isNotEmptyFile();
    } finally {
      for (Mqtt5BlockingClient d : devices) {
        if (d.getState().isConnected()) {
          d.disconnect();
        }
      }
      if (mosquitto != null) {
        mosquitto.destroyForcibly();
      }
    }
  }

  /** What the page shows of the fleet once every device is on it: telemetry, grouping, text only, health. */
  private static void assertDetails(HeadlessChromium chromium) throws Exception {
    String oven = "document.querySelector('tr[data-device=\"factory-a/oven/oven-001/electrical\"]')";
    await("telemetry on the page").atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      assertThat(chromium.eval(oven + ".querySelector('td.firmware').textContent")).isEqualTo("1.2.3");
      assertThat(chromium.eval(oven + ".querySelector('td.rssi').textContent")).isEqualTo("-61");
      assertThat(chromium.eval(oven + ".querySelector('td.device').textContent"))
          .isEqualTo("esp32-oven-001-electrical");
    });
    assertThat(chromium.eval("document.querySelectorAll('section[data-factory]').length")).isEqualTo("2");
    assertThat(chromium.eval("document.querySelectorAll('main img, main b').length")).isEqualTo("0");
    assertThat(chromium.eval("[...document.querySelectorAll('h3')].map(h => h.textContent).join('|')"))
        .contains("oven " + HOSTILE);
    assertThat(chromium.eval("document.querySelector('tr[data-state=\"unknown\"] td.firmware').textContent"))
        .isEqualTo("<b>1</b>");
    assertThat(chromium.eval("document.getElementById('online').textContent")).isEqualTo("4");
    assertThat(chromium.eval("document.getElementById('link').dataset.state")).isEqualTo("live");
    assertThat(chromium.eval("document.title")).isEqualTo("Flux status");
    assertThat(chromium.eval("document.querySelector('[data-section=\"health\"] [data-field=\"listeners\"]')"
        + ".textContent")).isEqualTo("health: listenersok");
  }

  @Test
  void theSnapshotAndTheAssetsAreServedWithoutAnythingFromElsewhere() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      Mqtt5BlockingClient d = device(broker, "f1", "oven", "o1", "electrical", "2.0.0", -40);
      HttpClient client = HttpClient.newHttpClient();
      String base = HttpEndpointIT.base(broker);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(client, base + "/status/fleet.json")
          .body()).contains("\"key\":\"f1/oven/o1/electrical\"").contains("\"state\":\"online\""));
      HttpResponse<String> page = get(client, base + "/status");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
          csp -> assertThat(csp).startsWith("default-src 'self'"));
      assertThat(page.body()).contains("/status/app.js").doesNotContain("http://", "https://");
      assertThat(get(client, base + "/status/app.js").headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
      HttpResponse<String> missing = get(client, base + "/nothing");
      assertThat(missing.statusCode()).isEqualTo(404);
      assertThat(missing.body()).contains("/nothing").contains("/status");
      d.disconnect();
    }
  }

  @Test
  void behindBasicAuthThePageAsksForCredentialsAndWorksWithThem() throws Exception {
    Path passwd = Files.writeString(tmp.resolve("passwd"), "operator:" + PasswordHash.create(
        "open-sesame".getBytes(StandardCharsets.UTF_8), 1000, new SecureRandom()).encoded() + "\n");
    try (
        TestBroker broker = TestBroker
            .start(b -> b.http(new HttpConfig(0, "127.0.0.1", "test", null, passwd, TopicMetrics.DEFAULT)));
        HeadlessChromium chromium = HeadlessChromium.start(tmp)) {
      Mqtt5BlockingClient d = device(broker, "f1", "oven", "o1", "electrical", "2.0.0", -40);
      HttpClient client = HttpClient.newHttpClient();
      String base = HttpEndpointIT.base(broker);
      for (String path : new String[] {"/", "/status", "/status/app.js", "/status/events", "/status/fleet.json"}) {
        HttpResponse<String> r = get(client, base + path);
        assertThat(r.statusCode()).as(path).isEqualTo(401);
        assertThat(r.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
            h -> assertThat(h).startsWith("Basic")); // what makes a browser ask for a user and password
      }
      // What the browser sends once the operator has answered its prompt.
      String credentials = Base64.getEncoder().encodeToString("operator:open-sesame".getBytes(StandardCharsets.UTF_8));
      chromium.send("Network.enable", "{}");
      chromium.send("Network.setExtraHTTPHeaders", "{\"headers\":{\"Authorization\":\"Basic " + credentials + "\"}}");
      chromium.navigate(base + "/");
      await("the page, live, behind basic auth").atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        assertThat(chromium.eval("document.getElementById('link').dataset.state")).isEqualTo("live");
        assertThat(chromium.eval("document.querySelector('tr[data-device=\"f1/oven/o1/electrical\"]')"
            + "?.dataset.state")).isEqualTo("online");
      });
      d.disconnect();
    }
  }

  /**
   * A device may write {@code openegiz/+/+/oven-001/electrical/telemetry} (the shipped ACL): without a cap on
   * level length, each new factory level of 60,000 characters added a tracked device holding four copies of it,
   * 10,000 of them (status_max_devices) some gigabytes of heap, all in every snapshot.
   */
  @Test
  void levelsLongerThanTopicsMdAllowsAreNotTracked() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      Mqtt5BlockingClient hostile = Clients.v5(broker, "esp32-oven001-elec");
      for (int i = 0; i < 20; i++) {
        String factory = (i + "-").repeat(60_000).substring(0, 60_000);
        hostile.publishWith().topic(prefix(factory, "oven", "oven-001", "electrical") + "/telemetry")
            .qos(MqttQos.AT_LEAST_ONCE).payload(Clients.bytes("{\"rssi\":-50}")).send();
      }
      Mqtt5BlockingClient d = device(broker, "f1", "oven", "o1", "electrical", "2.0.0", -40);
      String longest = "a".repeat(64); // the longest level topics.md allows is still tracked
      hostile.publishWith().topic(prefix(longest, "oven", "oven-001", "electrical") + "/telemetry")
          .qos(MqttQos.AT_LEAST_ONCE).payload(Clients.bytes("{\"rssi\":-50}")).send();
      HttpClient client = HttpClient.newHttpClient();
      String base = HttpEndpointIT.base(broker);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(get(client, base + "/status/fleet.json")
          .body()).contains("\"key\":\"f1/oven/o1/electrical\"").contains(longest + "/oven/oven-001"));
      String json = get(client, base + "/status/fleet.json").body();
      assertThat(json.length()).as("fleet.json's length").isLessThan(10_000);
      assertThat(json).contains("\"devices\":2,");
      d.disconnect();
      hostile.disconnect();
    }
  }

  @Test
  void eventStreamsAreCappedAndAClosedOneFreesItsPlace() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      URI events = URI.create(HttpEndpointIT.base(broker) + "/status/events");
      List<InputStream> open = new ArrayList<>();
      try {
        for (int i = 0; i < StatusPage.MAX_STREAMS; i++) {
          HttpResponse<InputStream> r = stream(client, events);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
          open.add(r.body());
        }
        String first = new String(open.get(0).readNBytes(64), StandardCharsets.UTF_8);
        assertThat(first).startsWith("retry: 2000\n\ndata: {\"time\":");
        HttpResponse<InputStream> refused = stream(client, events);
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).hasValue("10");
        assertThat(new String(refused.body().readAllBytes(), StandardCharsets.UTF_8))
            .contains("too many status pages open");
        open.remove(0).close();
        // The broker notices the closed stream at its next write, within a tick.
        await().atMost(Duration.ofSeconds(10)).until(() -> {
          HttpResponse<InputStream> r = stream(client, events);
          if (r.statusCode() == 200) {
            open.add(r.body());
            return true;
          }
          r.body().close();
          return false;
        });
      } finally {
        for (InputStream in : open) {
          in.close();
        }
      }
      HttpResponse<String> post = client.send(HttpRequest.newBuilder(events)
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(post.statusCode()).isEqualTo(405);
      HttpResponse<String> head = client.send(HttpRequest.newBuilder(events)
          .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Content-Type")).hasValue("text/event-stream; charset=utf-8");
    }
  }

  /**
   * Readers that send the GET and never read (a full TCP window) were kept for ever: {@link StatusPage#MAX_STREAMS}
   * of them locked every browser out. A stream whose write does not move for a few seconds is dropped and logged;
   * a reader that reads keeps getting events throughout, and new readers get a place again.
   */
  @Test
  void readersThatStopReadingAreDroppedAndNewReadersGetTheirPlaces() throws Exception {
    try (TestBroker broker = TestBroker.start(HttpEndpointIT::withHttp); LogCapture log = LogCapture.start()) {
      // A fleet large enough that a few snapshots fill a stalled reader's socket buffers (some 100 KB each).
      Mqtt5BlockingClient fleet = Clients.v5(broker, "fleet");
      for (int i = 0; i < 500; i++) {
        fleet.publishWith().topic(prefix("factory-a", "oven", "oven-" + i, "electrical") + "/telemetry")
            .payload(Clients.bytes("{\"device_id\":\"esp32-oven-" + i + "\",\"metadata\":{\"rssi\":-50,"
                + "\"firmware_version\":\"2.0.0\"}}"))
            .send();
      }
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      String base = HttpEndpointIT.base(broker);
      await().atMost(Duration.ofSeconds(10)).until(() -> get(client, base + "/status/fleet.json").body()
          .contains("\"devices\":500,"));
      URI events = URI.create(base + "/status/events");
      HttpResponse<InputStream> reading = stream(client, events);
      AtomicInteger received = new AtomicInteger();
      Thread reader = Thread.ofVirtual().start(() -> countEvents(reading.body(), received));
      List<Socket> stalled = new ArrayList<>();
      try {
        for (int i = 1; i < StatusPage.MAX_STREAMS; i++) {
          Socket s = new Socket();
          s.setReceiveBufferSize(1024); // before connect, so the window offered is small
          s.connect(new InetSocketAddress("127.0.0.1", events.getPort()));
          s.getOutputStream().write(("GET /status/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
          stalled.add(s);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> {
          HttpResponse<InputStream> r = stream(client, events);
          r.body().close();
          return r.statusCode() == 503; // every place taken
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> log.lines(l -> l.contains("status event stream to")
            && l.contains("dropped: its reader took nothing")).size() == StatusPage.MAX_STREAMS - 1);
        int before = received.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.get() >= before + 2);
        for (int i = 0; i < 3; i++) {
          HttpResponse<InputStream> fresh = stream(client, events);
          assertThat(fresh.statusCode()).as("a new reader after the drops").isEqualTo(200);
          try (InputStream in = fresh.body()) {
            assertThat(new String(in.readNBytes(30), StandardCharsets.UTF_8)).startsWith("retry: 2000\n\ndata: {");
          }
        }
      } finally {
        for (Socket s : stalled) {
          s.close();
        }
        reading.body().close();
        reader.join();
      }
      fleet.disconnect();
    }
  }

  private static void countEvents(InputStream in, AtomicInteger received) {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.startsWith("data: ")) {
          received.incrementAndGet();
        }
      }
    } catch (IOException closed) {
      // the test closed it
    }
  }

  private static HttpResponse<InputStream> stream(HttpClient client, URI uri) throws Exception {
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  private static HttpResponse<String> get(HttpClient client, String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String prefix(String factory, String type, String equipment, String sensor) {
    return "openegiz/" + factory + "/" + type + "/" + equipment + "/" + sensor;
  }

  /** A HiveMQ client as an ESP32 would be: offline LWT, retained online status, then telemetry. */
  private static Mqtt5BlockingClient device(TestBroker broker, String factory, String type, String equipment,
      String sensor, String firmware, int rssi) {
    String id = "esp32-" + equipment + "-" + sensor;
    String topic = prefix(factory, type, equipment, sensor);
    Mqtt5BlockingClient c = Clients.builder5(broker, id).willPublish().topic(topic + "/status")
        .payload(Clients.bytes(offline(id))).qos(MqttQos.AT_LEAST_ONCE).retain(true).applyWillPublish()
        .buildBlocking();
    c.connect();
    c.publishWith().topic(topic + "/status").qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(Clients.bytes(online(id, firmware))).send();
    c.publishWith().topic(topic + "/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload(Clients.bytes(
        "{\"device_id\":\"" + id + "\",\"timestamp\":\"" + Instant.now() + "\",\"voltage_a\":220.5,"
            + "\"metadata\":{\"firmware_version\":\"" + firmware + "\",\"rssi\":" + rssi + "}}"))
        .send();
    return c;
  }

  /** A real mosquitto_pub as a device: its LWT says offline, it stays connected reading stdin (-l). */
  private Process mosquittoDevice(TestBroker broker, String key) throws Exception {
    String[] levels = key.split("/");
    String topic = prefix(levels[0], levels[1], levels[2], levels[3]) + "/status";
    String id = "esp32-mosq-" + levels[3];
    Process p = new ProcessBuilder(PUB, "-h", "127.0.0.1", "-p", String.valueOf(broker.port()), "-V", "5",
        "-i", id, "-t", topic, "-q", "1", "-r", "-l", "-k", "60",
        "--will-topic", topic, "--will-payload", offline(id), "--will-qos", "2", "--will-retain")
        .redirectErrorStream(true).redirectOutput(tmp.resolve("mosquitto_pub.log").toFile()).start();
    OutputStream stdin = p.getOutputStream();
    stdin.write((online(id, "0.9.1") + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush(); // stdin stays open: mosquitto_pub stays connected
    return p;
  }

  private static String online(String id, String firmware) {
    return "{\"device_id\":\"" + id + "\",\"status\":\"online\",\"timestamp\":\"" + Instant.now() + "\","
        + "\"diagnostics\":{\"free_heap\":180000,\"wifi_reconnects\":0,\"mqtt_reconnects\":0,\"uptime_seconds\":12,"
        + "\"firmware_version\":\"" + firmware + "\"}}";
  }

  private static String offline(String id) {
    return "{\"device_id\":\"" + id + "\",\"status\":\"offline\",\"timestamp\":\"" + Instant.now() + "\"}";
  }

  private static void kill9(Process p) throws Exception {
    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(p.pid())).inheritIO().start();
    assertThat(kill.waitFor()).isZero();
    assertThat(p.waitFor()).as("mosquitto_pub killed by SIGKILL").isEqualTo(128 + 9);
  }
}
