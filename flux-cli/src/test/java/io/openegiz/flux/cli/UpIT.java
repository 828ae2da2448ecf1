package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import io.openegiz.flux.telemetry.Payloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code flux up} as a user runs it, in a process of its own: the broker, the archiver and the embedded QuestDB
 * together. What a QoS 1 subscriber saw, or what a publisher got its PUBACK for, is in QuestDB exactly once after
 * a SIGTERM and a second {@code flux up} on the same directory, and after {@code kill -9} of the whole stack.
 */
class UpIT {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration START = Duration.ofSeconds(60);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  private int mqtt;
  private int questdb;
  private int runs;
  private final String example = read("../flux-telemetry/src/test/resources/examples/spec-electrical.json");

  private static String read(String path) {
    try {
      return Files.readString(Path.of(path));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private FluxProcess up(String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("up", "--data", dir.resolve("data").toString(), "--port",
        String.valueOf(mqtt), "--questdb-port", String.valueOf(questdb), "--no-progress"));
    args.addAll(List.of(extra));
    Path log = Path.of("target", "up-it-" + System.nanoTime() + "-" + (runs++) + ".log").toAbsolutePath();
    return FluxProcess.start(log, args.toArray(String[]::new)).awaitLog("flux up: running", START);
  }

  /** Rows of a QuestDB SQL query, through its HTTP /exec endpoint. */
  private List<JsonNode> rows(String sql) throws IOException, InterruptedException {
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + questdb
        + "/exec?query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    JsonNode body = JSON.readTree(r.body());
    if (r.statusCode() != 200) {
      return List.of(); // the table does not exist yet
    }
    List<JsonNode> out = new ArrayList<>();
    body.path("dataset").forEach(out::add);
    return out;
  }

  /** Every electrical reading in QuestDB as {@code device_id@ms}, after checking that none is there twice. */
  private Set<String> storedOnce() throws IOException, InterruptedException {
    List<String> keys = new ArrayList<>();
    for (JsonNode row : rows("select device_id, timestamp from electrical")) {
      keys.add(row.path(0).asString() + "@" + Instant.parse(row.path(1).asString()).toEpochMilli());
    }
    Set<String> unique = new HashSet<>(keys);
    assertThat(keys).as("readings stored twice").hasSize(unique.size());
    return unique;
  }

  private static String key(JsonNode payload) {
    return payload.path("device_id").asString() + "@" + Instant.parse(payload.path("timestamp").asString())
        .toEpochMilli();
  }

  @Test
  void theFleetsReadingsLandOnceAndASecondUpCarriesOn() throws Exception {
    mqtt = FluxProcess.freePort();
    questdb = FluxProcess.freePort();
    Set<String> seen = ConcurrentHashMap.newKeySet();
    FluxProcess first = up("--fleet", "4");
    try {
      Mqtt5AsyncClient subscriber = Mqtt5Client.builder().identifier("it-yardstick").serverHost("127.0.0.1")
          .serverPort(mqtt).buildAsync();
      subscriber.publishes(MqttGlobalPublishFilter.ALL, p -> seen.add(key(JSON.readTree(p.getPayloadAsBytes()))));
      subscriber.connect().join();
      subscriber.subscribeWith().topicFilter("openegiz/+/+/+/electrical/telemetry").qos(MqttQos.AT_LEAST_ONCE)
          .send().join();
      await().atMost(START).until(() -> storedOnce().size() >= 10);
      // The archiver's figures in the broker's $SYS tree (docs/sys.md), published every 10 s by default.
      Map<String, Long> sys = new ConcurrentHashMap<>();
      Mqtt5AsyncClient monitor = Mqtt5Client.builder().identifier("it-sys").serverHost("127.0.0.1")
          .serverPort(mqtt).buildAsync();
      monitor.publishes(MqttGlobalPublishFilter.ALL, p -> sys.put(p.getTopic().toString(),
          Long.parseLong(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8))));
      monitor.connect().join();
      monitor.subscribeWith().topicFilter("$SYS/broker/flux/archiver/points/written").send().join();
      await().atMost(Duration.ofSeconds(30))
          .until(() -> sys.getOrDefault("$SYS/broker/flux/archiver/points/written", 0L) >= 10);
      monitor.disconnect().join();
      subscriber.disconnect().join();
      assertThat(first.terminate(Duration.ofSeconds(60))).as(first.output()).isZero();
      assertThat(first.output()).contains("flux up: stopped");
    } finally {
      first.close();
    }
    assertThat(seen).isNotEmpty();
    FluxProcess second = up();
    try {
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedOnce()).containsAll(seen));
      assertThat(second.terminate(Duration.ofSeconds(60))).isZero();
    } finally {
      second.close();
    }
  }

  /** The status page of {@code flux up --http-port}: flux fleet's devices online, and the archiver's backlog. */
  @Test
  void theStatusPageShowsTheSimulatedFleetAndTheArchiver() throws Exception {
    mqtt = FluxProcess.freePort();
    questdb = FluxProcess.freePort();
    int http = FluxProcess.freePort();
    FluxProcess stack = up("--fleet", "3", "--http-port", String.valueOf(http));
    try {
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(stack.output())
          .contains("status page      http://127.0.0.1:" + http + "/"));
      URI json = URI.create("http://127.0.0.1:" + http + "/status/fleet.json");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        JsonNode status = JSON.readTree(HTTP.send(HttpRequest.newBuilder(json).build(),
            HttpResponse.BodyHandlers.ofString()).body());
        assertThat(status.path("fleet").path("online").asInt()).isEqualTo(3);
        assertThat(status.path("archiver").path("connected").asBoolean()).isTrue();
        assertThat(status.path("archiver").path("points_written").asLong()).isPositive();
        assertThat(status.path("archiver").has("queued_in_broker")).isTrue();
        JsonNode device = status.path("factories").path(0).path("equipment").path(0).path("devices").path(0);
        assertThat(device.path("firmware").asString()).matches("\\d+\\.\\d+\\.\\d+");
        assertThat(device.path("rssi").asInt()).isBetween(-127, 0);
        assertThat(device.path("messages").asLong()).isPositive();
      });
      assertThat(stack.terminate(Duration.ofSeconds(60))).isZero();
    } finally {
      stack.close();
    }
  }

  @Test
  void killMinusNineOfTheWholeStackLosesNothingAcknowledged() throws Exception {
    mqtt = FluxProcess.freePort();
    questdb = FluxProcess.freePort();
    Set<String> acked = ConcurrentHashMap.newKeySet();
    FluxProcess stack = up();
    try {
      for (int cycle = 0; cycle < 2; cycle++) {
        AtomicBoolean stop = new AtomicBoolean();
        Thread publisher = publisher("esp32-kill-" + cycle, acked, stop);
        int before = acked.size();
        await().atMost(Duration.ofSeconds(30)).until(() -> acked.size() > before + 300);
        stack.kill(); // SIGKILL mid-stream: broker, archiver and database together
        stop.set(true);
        publisher.join(5_000);
        stack = up();
      }
      FluxProcess last = stack;
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(storedOnce()).containsAll(acked));
      assertThat(last.terminate(Duration.ofSeconds(60))).isZero();
    } finally {
      stack.close();
    }
  }

  /** Publishes electrical readings at QoS 1 as fast as they are acknowledged, until stopped or disconnected. */
  private Thread publisher(String device, Set<String> acked, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(device).serverHost("127.0.0.1").serverPort(mqtt)
          .buildAsync();
      c.connect().join();
      Semaphore window = new Semaphore(50);
      long base = System.currentTimeMillis();
      for (int seq = 0; !stop.get(); seq++) {
        try {
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) {
            continue;
          }
        } catch (InterruptedException e) {
          return;
        }
        String timestamp = Payloads.timestamp(Instant.ofEpochMilli(base + seq));
        byte[] payload = electrical(device, timestamp);
        c.publishWith().topic("openegiz/factory-a/oven/oven-001/electrical/telemetry").qos(MqttQos.AT_LEAST_ONCE)
            .payload(payload).send().whenComplete((r, e) -> {
              window.release();
              if (e == null && r.getError().isEmpty()) {
                acked.add(device + "@" + Instant.parse(timestamp).toEpochMilli());
              }
            });
      }
    }, device);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** The spec's electrical example as {@code device} at {@code timestamp}. */
  private byte[] electrical(String device, String timestamp) {
    return example.replace("esp32-oven001-elec", device).replace("2026-01-29T10:30:00.123Z", timestamp)
        .getBytes(StandardCharsets.UTF_8);
  }
}
