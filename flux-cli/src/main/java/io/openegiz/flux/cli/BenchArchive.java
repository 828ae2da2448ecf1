package io.openegiz.flux.cli;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.archiver.questdb.EmbeddedQuestDb;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.fleet.bench.LatencySummary;
import io.openegiz.flux.telemetry.Payloads;
import java.io.IOException;
import java.lang.management.ManagementFactory;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code flux bench archive}: how fast readings go from MQTT into the database through the archiver, and how long
 * a reading takes from its PUBLISH until a query returns it. The broker, the archiver and the embedded QuestDB run
 * in this process as {@code flux up} runs them; the publishers are HiveMQ clients in it too.
 */
@Command(name = "archive", mixinStandardHelpOptions = true,
    description = {"Measures the archiver in the stack of `flux up` (broker, archiver, embedded QuestDB in this",
        "process). Catch-up: --messages electrical readings queued while the archiver is away, then the time",
        "until all are queryable. Attached: as many published as fast as the broker takes them with the archiver",
        "attached (the publish rate against catch-up's is the archiver's cost to the broker). Live: --rate",
        "readings/s for --duration s; latency from PUBLISH to a row that a query returns (probe readings every",
        "50 ms, polled every 10 ms). Progress each second; JSON in OUT/archive.json."})
final class BenchArchive implements Callable<Integer> {
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String TOPIC = "openegiz/factory-a/oven/oven-%03d/electrical/telemetry";
  private static final String PROBE = "esp32-probe";

  @Option(names = "--messages", defaultValue = "200000",
      description = "Readings queued for the catch-up phase (default: ${DEFAULT-VALUE}).")
  int messages;
  @Option(names = "--rate", defaultValue = "10000",
      description = "Readings per second in the live phase; 10,000 is 10,000 sensors at 1 Hz"
          + " (default: ${DEFAULT-VALUE}).")
  int rate;
  @Option(names = "--duration", defaultValue = "30",
      description = "Seconds of the live phase (default: ${DEFAULT-VALUE}).")
  int duration;
  @Option(names = "--publishers", defaultValue = "8",
      description = "Publisher connections (default: ${DEFAULT-VALUE}).")
  int publishers;
  @Option(names = "--in-memory", description = "Broker without persistence (flux up persists; this isolates it).")
  boolean inMemory;
  @Option(names = "--out", defaultValue = "bench-results",
      description = "Folder of the data and archive.json (default: ${DEFAULT-VALUE}).")
  Path out;

  private final HttpClient http = HttpClient.newHttpClient();
  private String template;
  private EmbeddedQuestDb questdb;

  @Override
  public Integer call() throws Exception {
    template = new String(BenchArchive.class.getResourceAsStream("/bench/electrical.json").readAllBytes(),
        StandardCharsets.UTF_8);
    Path data = out.toAbsolutePath().resolve("archive-data");
    BenchCommand.deleteTree(data);
    Files.createDirectories(data);
    Map<String, Object> result = new LinkedHashMap<>();
    questdb = EmbeddedQuestDb.start(data.resolve("questdb"), "127.0.0.1", 0);
    FluxBroker broker = null;
    try {
      broker = FluxBroker.builder(ConfigParser.parse("flux bench archive", List.of("listener 0 127.0.0.1",
          "allow_anonymous true", "max_publish_rate 0", "max_inflight_messages 10000",
          "max_queued_messages " + (2L * messages + 1_000_000), "max_queued_bytes 0",
          "persistence " + !inMemory, "persistence_location " + data.resolve("broker"))).config()).build();
      broker.start();
      int port = broker.port();
      List<Setting> settings = List.of(new Setting("bench", "broker", "tcp://127.0.0.1:" + port),
          new Setting("bench", "questdb_url", questdb.httpUrl().toString()),
          new Setting("bench", "dead_letter", data.resolve("dead-letters").toString()));
      ArchiverConfig config = ArchiverConfig.parse(settings);
      try (Archiver first = Archiver.start(config)) {
        awaitTrue(first::subscribed, Duration.ofSeconds(30), "the archiver did not subscribe");
      }
      List<Mqtt5AsyncClient> clients = connect(port);
      result.put("catch_up", catchUp(clients, config));
      result.put("attached", attached(clients, config));
      result.put("live", live(clients, config));
      for (Mqtt5AsyncClient c : clients) {
        c.disconnect().join();
      }
    } finally {
      if (broker != null) {
        broker.close();
      }
      questdb.close();
    }
    Path json = out.resolve("archive.json");
    Files.createDirectories(out);
    JSON.writerWithDefaultPrettyPrinter().writeValue(json.toFile(), result);
    System.out.println("results written to " + json);
    return 0;
  }

  private List<Mqtt5AsyncClient> connect(int port) {
    List<Mqtt5AsyncClient> clients = new ArrayList<>();
    for (int i = 0; i < publishers; i++) {
      Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("bench-archive-" + i).serverHost("127.0.0.1")
          .serverPort(port).buildAsync();
      c.connect().join();
      clients.add(c);
    }
    return clients;
  }

  /**
   * Publishes {@code n} electrical readings of devices {@code prefix-0..999} at QoS 1 as fast as the broker
   * acknowledges them, a window of 200 per publisher; returns the seconds it took.
   */
  private double publishAll(List<Mqtt5AsyncClient> clients, int n, String prefix, long base)
      throws InterruptedException {
    Semaphore window = new Semaphore(publishers * 200);
    AtomicLong acked = new AtomicLong();
    long t = System.nanoTime();
    for (int i = 0; i < n; i++) {
      window.acquire();
      int device = i % 1000;
      publish(clients.get(i % clients.size()), device, prefix + device, base + i / 1000, window, acked);
    }
    window.acquire(publishers * 200);
    window.release(publishers * 200);
    return (System.nanoTime() - t) / 1e9;
  }

  /** Waits until {@code n} readings of {@code prefix} are queryable, printing progress each second. */
  private long awaitStored(String phase, String prefix, long n, Archiver archiver) throws Exception {
    long t0 = System.nanoTime();
    long last = 0;
    long lastAt = t0;
    long stored;
    while ((stored = count(prefix + "%")) < n) {
      if (System.nanoTime() - t0 > TimeUnit.MINUTES.toNanos(10)) {
        throw new IllegalStateException(phase + ": only " + stored + " of " + n + " stored after 10 min");
      }
      Thread.sleep(250);
      long now = System.nanoTime();
      if (now - lastAt >= 1_000_000_000L) {
        System.out.printf(Locale.ROOT, "%s: %,d / %,d stored  %,.0f readings/s  backlog %,d points%n", phase,
            stored, n, (stored - last) * 1e9 / (now - lastAt), archiver.metrics().pointsInFlight());
        last = stored;
        lastAt = now;
      }
    }
    return stored;
  }

  /** Queues the readings with the archiver away, then times it from its start until all are queryable. */
  private Map<String, Object> catchUp(List<Mqtt5AsyncClient> clients, ArchiverConfig config) throws Exception {
    System.out.printf(Locale.ROOT, "catch-up: publishing %,d electrical readings at QoS 1 with the archiver away%n",
        messages);
    // An hour ago: inside any retention, and apart from the other phases' readings.
    double publishSeconds = publishAll(clients, messages, "esp32-away-", System.currentTimeMillis() - 3_600_000L);
    System.out.printf(Locale.ROOT, "catch-up: published in %.1f s (%,.0f msg/s, no archiver); starting the"
        + " archiver%n", publishSeconds, messages / publishSeconds);
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    long stored;
    try (Archiver archiver = Archiver.start(config)) {
      stored = awaitStored("catch-up", "esp32-away-", messages, archiver);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = rates("catch-up", stored, messages, seconds, (cpuNanos() - cpu0) / 1e9);
    m.put("publish_per_second_without_archiver", messages / publishSeconds);
    return m;
  }

  /**
   * The same number of readings published as fast as the broker takes them while the archiver is attached: the
   * publishers' rate against the catch-up's shows what the archiver costs the broker in the same process.
   */
  private Map<String, Object> attached(List<Mqtt5AsyncClient> clients, ArchiverConfig config) throws Exception {
    System.out.printf(Locale.ROOT, "attached: publishing %,d readings as fast as acknowledged, archiver attached%n",
        messages);
    long cpu0 = cpuNanos();
    long t0 = System.nanoTime();
    double publishSeconds;
    long stored;
    try (Archiver archiver = Archiver.start(config)) {
      awaitTrue(archiver::subscribed, Duration.ofSeconds(30), "the archiver did not subscribe");
      publishSeconds = publishAll(clients, messages, "esp32-attached-", System.currentTimeMillis() - 1_800_000L);
      System.out.printf(Locale.ROOT, "attached: published in %.1f s (%,.0f msg/s with the archiver)%n",
          publishSeconds, messages / publishSeconds);
      stored = awaitStored("attached", "esp32-attached-", messages, archiver);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    Map<String, Object> m = rates("attached", stored, messages, seconds, (cpuNanos() - cpu0) / 1e9);
    m.put("publish_per_second_with_archiver", messages / publishSeconds);
    return m;
  }

  private static Map<String, Object> rates(String phase, long stored, long expected, double seconds, double cpu) {
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(Locale.ROOT, "%s: %,d readings queryable in %.1f s: %,.0f readings/s; process CPU %.1f s"
        + " (%.0f %% of %d cores)%n", phase, stored, seconds, stored / seconds, cpu, 100 * cpu / seconds / cores,
        cores);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("readings", stored);
    m.put("lost", expected - stored);
    m.put("seconds", seconds);
    m.put("readings_per_second", stored / seconds);
    m.put("cpu_seconds", cpu);
    return m;
  }

  /** Readings at a fixed rate with the archiver attached; the probe's PUBLISH-to-queryable latency. */
  private Map<String, Object> live(List<Mqtt5AsyncClient> clients, ArchiverConfig config) throws Exception {
    System.out.printf(Locale.ROOT, "live: %,d readings/s for %d s with the archiver attached%n", rate, duration);
    Histogram latency = new Histogram(TimeUnit.MINUTES.toMicros(5), 3);
    Semaphore window = new Semaphore(publishers * 1000);
    AtomicLong acked = new AtomicLong();
    long sent = 0;
    try (Archiver archiver = Archiver.start(config)) {
      awaitTrue(archiver::subscribed, Duration.ofSeconds(30), "the archiver did not subscribe");
      long start = System.nanoTime();
      long startMillis = System.currentTimeMillis();
      long end = start + TimeUnit.SECONDS.toNanos(duration);
      long nextProbe = start;
      long lastProbeSeen = startMillis;
      long nextPoll = start;
      long nextLine = start + 1_000_000_000L;
      while (System.nanoTime() < end) {
        long now = System.nanoTime();
        long due = (now - start) * rate / 1_000_000_000L;
        while (sent < due) {
          window.acquire();
          int device = (int) (sent % 1000);
          publish(clients.get((int) (sent % clients.size())), device, "esp32-live-" + device,
              startMillis + sent / 1000, window, acked);
          sent++;
        }
        if (now >= nextProbe) {
          window.acquire();
          publish(clients.get(0), 999, PROBE, System.currentTimeMillis(), window, acked);
          nextProbe += 50_000_000L;
        }
        if (now >= nextPoll) {
          lastProbeSeen = pollProbes(lastProbeSeen, latency);
          nextPoll = System.nanoTime() + 10_000_000L;
        }
        if (now >= nextLine) {
          System.out.printf(Locale.ROOT, "live: %3d s  sent %,d  acked %,d  backlog %,d points  latency p50 %s"
              + " p99 %s%n", (now - start) / 1_000_000_000L, sent, acked.get(), archiver.metrics().pointsInFlight(),
              LatencySummary.formatMillis(latency.getValueAtPercentile(50)),
              LatencySummary.formatMillis(latency.getValueAtPercentile(99)));
          nextLine += 1_000_000_000L;
        }
        Thread.sleep(1);
      }
      long drainEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (count("esp32-live-%") < sent && System.nanoTime() < drainEnd) {
        lastProbeSeen = pollProbes(lastProbeSeen, latency);
        Thread.sleep(10);
      }
    }
    return liveResult(sent, count("esp32-live-%"), latency);
  }

  private Map<String, Object> liveResult(long sent, long stored, Histogram latency) {
    System.out.printf(Locale.ROOT, "live: %,d sent, %,d stored (%,d lost); PUBLISH to queryable: %s%n", sent,
        stored, sent - stored, LatencySummary.of(latency).describe());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("rate", rate);
    m.put("seconds", duration);
    m.put("sent", sent);
    m.put("stored", stored);
    m.put("lost", sent - stored);
    m.put("latency_ms_p50", latency.getValueAtPercentile(50) / 1000.0);
    m.put("latency_ms_p99", latency.getValueAtPercentile(99) / 1000.0);
    m.put("latency_ms_max", latency.getMaxValue() / 1000.0);
    m.put("probes", latency.getTotalCount());
    return m;
  }

  /** Records the latency of the probes that became queryable since {@code after} (epoch ms); the newest seen. */
  private long pollProbes(long after, Histogram latency) throws IOException, InterruptedException {
    long newest = after;
    long now = System.currentTimeMillis();
    for (JsonNode row : query("select timestamp from electrical where device_id = '" + PROBE + "' and timestamp > "
        + after * 1000 + " order by timestamp")) {
      long ts = Instant.parse(row.path(0).asString()).toEpochMilli();
      latency.recordValue(Math.max(0, now - ts) * 1000);
      newest = Math.max(newest, ts);
    }
    return newest;
  }

  private void publish(Mqtt5AsyncClient client, int equipment, String device, long millis, Semaphore window,
      AtomicLong acked) {
    byte[] payload = template.replace("esp32-oven001-elec", device)
        .replace("2026-01-29T10:30:00.123Z", Payloads.timestamp(Instant.ofEpochMilli(millis)))
        .getBytes(StandardCharsets.UTF_8);
    client.publishWith().topic(String.format(Locale.ROOT, TOPIC, equipment)).qos(MqttQos.AT_LEAST_ONCE)
        .payload(payload).send().whenComplete((r, e) -> {
          window.release();
          if (e == null && r.getError().isEmpty()) {
            acked.incrementAndGet();
          }
        });
  }

  private long count(String devicePattern) throws IOException, InterruptedException {
    List<JsonNode> rows = query("select count() from electrical where device_id like '" + devicePattern + "'");
    return rows.isEmpty() ? 0 : rows.get(0).path(0).asLong();
  }

  private List<JsonNode> query(String sql) throws IOException, InterruptedException {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(questdb.httpUrl() + "/exec?query="
        + URLEncoder.encode(sql, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      return List.of(); // no table yet
    }
    List<JsonNode> rows = new ArrayList<>();
    JSON.readTree(r.body()).path("dataset").forEach(rows::add);
    return rows;
  }

  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static void awaitTrue(java.util.function.BooleanSupplier condition, Duration within, String failure)
      throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException(failure);
      }
      Thread.sleep(50);
    }
  }
}
