package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a real broker process with {@code persistence true} while publishers send QoS 1
 * and QoS 2 at full speed to an offline and an online persistent subscriber, three times over (in CI;
 * {@code -Dflux.crash.cycles=N} makes it a soak, see docs/benchmarks.md): every message a publisher got
 * its PUBACK / PUBREC for is delivered to both, QoS 1 at least once and QoS 2 exactly once.
 */
class CrashRestartIT {
  private static final int CYCLES = Integer.getInteger("flux.crash.cycles", 3);
  private static final Duration PUBLISHING = Duration.ofMillis(2_000);

  @TempDir
  Path dir;
  private int port;
  private Path conf;
  private int logs;

  /** Payloads acknowledged to the publishers, by QoS. */
  private final Set<String> acked1 = ConcurrentHashMap.newKeySet();
  private final Set<String> acked2 = ConcurrentHashMap.newKeySet();

  private FluxProcess startBroker() throws IOException {
    Path log = Path.of("target", "crash-it-" + (logs++) + ".log").toAbsolutePath();
    return FluxProcess.start(log, "broker", "-c", conf.toString())
        .awaitLog("listening for MQTT on 127.0.0.1:" + port, Duration.ofSeconds(30));
  }

  private Mqtt5AsyncClient client(String id) {
    return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).buildAsync();
  }

  /** A persistent subscriber that counts what it receives; reconnects by itself after a crash. */
  private Mqtt5AsyncClient subscriber(String id, Map<String, Integer> received, boolean first) {
    Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
        .automaticReconnect().initialDelay(100, TimeUnit.MILLISECONDS).maxDelay(500, TimeUnit.MILLISECONDS)
        .applyAutomaticReconnect().buildAsync();
    c.publishes(MqttGlobalPublishFilter.ALL,
        p -> received.merge(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8), 1, Integer::sum));
    c.connectWith().cleanStart(first).sessionExpiryInterval(3600).send().join();
    if (first) {
      c.subscribeWith().topicFilter("crash/#").qos(MqttQos.EXACTLY_ONCE).send().join();
    }
    return c;
  }

  /** Publishes as fast as the broker acknowledges until stopped; records what was acknowledged. */
  private Thread publisher(String id, MqttQos qos, Set<String> acked, AtomicBoolean stop) {
    Thread t = new Thread(() -> {
      Mqtt5AsyncClient c = client(id);
      try {
        c.connect().join();
      } catch (RuntimeException e) {
        return;
      }
      Semaphore window = new Semaphore(200);
      for (int seq = 0; !stop.get(); seq++) {
        try {
          if (!window.tryAcquire(100, TimeUnit.MILLISECONDS)) continue;
        } catch (InterruptedException e) {
          return;
        }
        String payload = id + "-" + seq;
        c.publishWith().topic("crash/" + id).qos(qos).payload(payload.getBytes(StandardCharsets.UTF_8)).send()
            .whenComplete((r, e) -> {
              window.release();
              if (e == null && r.getError().isEmpty()) acked.add(payload);
            });
      }
    }, id);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private List<String> missing(Map<String, Integer> got) {
    List<String> m = new ArrayList<>();
    for (Set<String> acked : List.of(acked1, acked2)) {
      for (String a : acked) if (!got.containsKey(a)) m.add(a);
    }
    return m;
  }

  private static String summary(List<String> missing) {
    Map<String, List<Integer>> byPublisher = new java.util.TreeMap<>();
    for (String s : missing) {
      int dash = s.lastIndexOf('-');
      byPublisher.computeIfAbsent(s.substring(0, dash), k -> new ArrayList<>())
          .add(Integer.parseInt(s.substring(dash + 1)));
    }
    StringBuilder b = new StringBuilder().append(missing.size());
    byPublisher.forEach((k, v) -> {
      java.util.Collections.sort(v);
      b.append(' ').append(k).append(": ").append(v.size()).append(" in ").append(v.get(0)).append("..")
          .append(v.get(v.size() - 1));
    });
    return b.toString();
  }

  @Test
  void everyAcknowledgedMessageSurvivesKillMinus9() throws Exception {
    port = FluxProcess.freePort();
    conf = Files.writeString(dir.resolve("flux.conf"), String.join("\n",
        "listener " + port + " 127.0.0.1", "allow_anonymous true", "persistence true",
        "persistence_location " + dir.resolve("store"), "max_queued_messages 1000000", "max_publish_rate 0", ""));
    Map<String, Integer> offline = new ConcurrentHashMap<>();
    Map<String, Integer> online = new ConcurrentHashMap<>();
    FluxProcess broker = startBroker();
    try {
      subscriber("offline", offline, true).disconnect().join();
      Mqtt5AsyncClient on = subscriber("online", online, true);
      for (int cycle = 0; cycle < CYCLES; cycle++) {
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> pubs = new ArrayList<>(List.of(publisher("q1c" + cycle, MqttQos.AT_LEAST_ONCE, acked1, stop),
            publisher("q2c" + cycle, MqttQos.EXACTLY_ONCE, acked2, stop)));
        int before = acked1.size() + acked2.size();
        await().atMost(Duration.ofSeconds(15)).until(() -> acked1.size() + acked2.size() > before + 500);
        await().pollDelay(PUBLISHING).until(() -> true); // publish for a while, at full speed
        broker.kill(); // SIGKILL, mid-stream
        stop.set(true);
        for (Thread t : pubs) t.join(5_000);
        broker = startBroker();
        System.out.println("cycle " + (cycle + 1) + "/" + CYCLES + ": acknowledged so far " + acked1.size()
            + " QoS 1, " + acked2.size() + " QoS 2; the online subscriber got " + online.size());
      }
      subscriber("offline", offline, false);
      try {
        await().atMost(Duration.ofSeconds(30L + 5L * CYCLES))
            .until(() -> missing(offline).isEmpty() && missing(online).isEmpty());
      } finally {
        System.out.println("acked " + acked1.size() + " QoS 1, " + acked2.size() + " QoS 2; offline got "
            + offline.size() + ", missing " + summary(missing(offline)) + "; online got " + online.size()
            + ", missing " + summary(missing(online)));
      }
      for (Map<String, Integer> got : List.of(offline, online)) {
        got.forEach((payload, n) -> {
          if (payload.startsWith("q2")) {
            assertThat(n).as("QoS 2 message " + payload + " delivered exactly once").isEqualTo(1);
          }
        });
      }
      assertThat(acked1.size() + acked2.size()).isGreaterThan(1500);
      on.disconnect();
    } finally {
      broker.close();
    }
  }
}
