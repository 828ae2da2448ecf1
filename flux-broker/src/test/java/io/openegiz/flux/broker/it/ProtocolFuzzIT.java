package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzing over TCP against a real in-process broker (issue 12): connections send mutated packets
 * ({@link MqttFuzzer}: bit flips, truncations, overrunning lengths, broken remaining lengths, duplicated
 * properties, bad UTF-8, all pipelined behind a CONNECT), in batches, for a bounded time, from a fixed
 * seed, against a broker with {@code persistence true} (the durable acknowledgement paths too). The
 * test fails on any WARN or ERROR line or stack trace in the broker's log (an internal error, a Netty
 * leak report), on lost liveness (after every batch a fresh client connects, subscribes,
 * publishes and receives), and on any effect on a well-behaved HiveMQ client connected the whole time,
 * which publishes a QoS 1 message to itself every 20 ms and must receive every one, in order.
 * A failure names the case's bytes (hex) when the log line names its connection.
 */
class ProtocolFuzzIT {
  /** Fixed, so that the build is repeatable; {@code -Dflux.fuzz.seed=N} explores other cases. */
  private static final long SEED = Long.getLong("flux.fuzz.seed", 0x12F0_22EDL);
  /** Fuzzing time; the whole test takes a few seconds more (the last batch, the checks). */
  private static final Duration BUDGET = Duration.ofSeconds(25);
  private static final int CASES_PER_BATCH = 48;
  private static final int PARALLEL = 4;
  private static final String BYSTANDER_TOPIC = "bystander-5c1e/seq";
  private static final Pattern REMOTE_PORT = Pattern.compile("/127\\.0\\.0\\.1:(\\d+)");

  @TempDir
  Path dir;

  /** The bytes each fuzz connection sent, by its local port, to name a case in a failure. */
  private final Map<Integer, String> casesByPort = new ConcurrentHashMap<>();

  @Test
  void mutatedPacketsHarmNeitherTheBrokerNorAnotherClient() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    try (LogCapture log = LogCapture.start();
        TestBroker broker = TestBroker.start(b -> b.maxPacketSize(16_384).connectTimeout(Duration.ofSeconds(1))
            .persistence(true).persistenceLocation(dir.resolve("store")))) {
      Mqtt5BlockingClient bystander = Clients.v5(broker, "bystander");
      List<Mqtt5Publish> received = Clients.collect(bystander);
      bystander.subscribeWith().topicFilter(BYSTANDER_TOPIC).qos(MqttQos.AT_LEAST_ONCE).send();
      AtomicInteger acknowledged = new AtomicInteger();
      AtomicInteger sent = new AtomicInteger();
      ticker.scheduleAtFixedRate(() -> bystander.toAsync().publishWith().topic(BYSTANDER_TOPIC)
          .qos(MqttQos.AT_LEAST_ONCE).payload(Integer.toString(sent.getAndIncrement()).getBytes(StandardCharsets.UTF_8))
          .send().thenRun(acknowledged::incrementAndGet), 0, 20, TimeUnit.MILLISECONDS);

      Random seeds = new Random(SEED);
      long end = System.nanoTime() + BUDGET.toNanos();
      int batch = 0;
      int cases = 0;
      while (System.nanoTime() < end) {
        List<Future<?>> running = new ArrayList<>();
        for (int i = 0; i < CASES_PER_BATCH; i++) {
          long seed = seeds.nextLong();
          running.add(pool.submit(() -> runCase(broker, seed)));
        }
        for (Future<?> f : running) {
          f.get(30, TimeUnit.SECONDS);
        }
        cases += running.size();
        assertCleanLog(log);
        assertLive(broker, batch++);
        int due = acknowledged.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() >= due);
        assertInOrder(received);
      }
      ticker.shutdownNow();
      assertThat(bystander.getState().isConnected()).isTrue();
      assertCleanLog(log);
      assertThat(cases).as("fuzz cases run").isGreaterThan(200);
      // the capture works, and the cases reach the broker's checks
      assertThat(log.lines(l -> l.contains("malformed packet"))).as("malformed packets logged").isNotEmpty();
      System.out.printf("fuzz (seed %d): %d cases in %d batches, bystander received %d messages in order%n", SEED,
          cases, batch, received.size());
      bystander.disconnect();
    } finally {
      ticker.shutdownNow();
      pool.shutdownNow();
    }
  }

  /** One connection: the case's bytes in one to three writes, then whatever the broker answers. */
  private void runCase(TestBroker broker, long seed) {
    byte[] bytes = new MqttFuzzer(new Random(seed)).connection();
    Random r = new Random(seed);
    try (Socket s = new Socket(broker.host(), broker.port())) {
      s.setSoTimeout(300);
      casesByPort.put(s.getLocalPort(), "seed " + seed + ": " + HexFormat.of().formatHex(bytes));
      OutputStream out = s.getOutputStream();
      int at = 0;
      for (int writes = 1 + r.nextInt(3); writes > 0 && at < bytes.length; writes--) {
        int n = writes == 1 ? bytes.length - at : r.nextInt(bytes.length - at + 1);
        out.write(bytes, at, n);
        out.flush();
        at += n;
      }
      InputStream in = s.getInputStream();
      byte[] sink = new byte[4096];
      // until the broker closes, or for 300 ms: a case subscribed to "#" receives the bystander's messages
      long until = System.nanoTime() + Duration.ofMillis(300).toNanos();
      for (long left; (left = (until - System.nanoTime()) / 1_000_000) > 0 && in.read(sink) >= 0;) {
        s.setSoTimeout((int) Math.max(1, left));
      }
    } catch (IOException e) {
      // closed by the broker, reset, or the read timed out: all fine for a fuzz case
    }
  }

  /** No WARN or ERROR line, no stack trace: every bad input is the client's fault, handled and logged at INFO. */
  private void assertCleanLog(LogCapture log) {
    List<String> bad = log.lines(l -> l.contains("] WARN ") || l.contains("] ERROR ") || l.startsWith("\tat ")
        || l.contains("LEAK"));
    if (!bad.isEmpty()) {
      StringBuilder why = new StringBuilder();
      for (String line : bad) {
        why.append(line).append('\n');
        Matcher m = REMOTE_PORT.matcher(line);
        if (m.find() && casesByPort.containsKey(Integer.parseInt(m.group(1)))) {
          why.append("  case ").append(casesByPort.get(Integer.parseInt(m.group(1)))).append('\n');
        }
      }
      throw new AssertionError("the broker logged problems while fuzzing:\n" + why);
    }
  }

  /** A fresh client connects, subscribes, publishes and receives its own message. */
  private static void assertLive(TestBroker broker, int batch) throws InterruptedException {
    Mqtt5BlockingClient c = Clients.v5(broker, "live-" + batch);
    try (Mqtt5BlockingClient.Mqtt5Publishes inbox = c.publishes(MqttGlobalPublishFilter.ALL)) {
      c.subscribeWith().topicFilter("live/" + batch).qos(MqttQos.AT_LEAST_ONCE).send();
      c.publishWith().topic("live/" + batch).qos(MqttQos.AT_LEAST_ONCE).payload(new byte[] {(byte) batch}).send();
      Optional<Mqtt5Publish> got = inbox.receive(5, TimeUnit.SECONDS);
      assertThat(got).as("liveness after batch %d", batch).isPresent();
    }
    c.disconnect();
  }

  /** The bystander's messages arrived exactly once each, in the order it published them. */
  private static void assertInOrder(List<Mqtt5Publish> received) {
    List<Mqtt5Publish> copy = List.copyOf(received);
    for (int i = 0; i < copy.size(); i++) {
      assertThat(new String(copy.get(i).getPayloadAsBytes(), StandardCharsets.UTF_8)).as("bystander message %d", i)
          .isEqualTo(Integer.toString(i));
    }
  }
}
