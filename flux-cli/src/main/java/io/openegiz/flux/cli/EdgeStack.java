package io.openegiz.flux.cli;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.ArchiverMetrics;
import io.openegiz.flux.archiver.Setting;
import io.openegiz.flux.archiver.questdb.EmbeddedQuestDb;
import io.openegiz.flux.archiver.ArchiverCollectors;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ListenerConfig;
import io.openegiz.flux.broker.status.StatusFeed;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.FleetRunner;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole edge stack in one process, as {@code flux up} runs it: the broker (persistent, so that what the
 * archiver has not yet written survives a stop), the embedded QuestDB, the archiver between them and, on request,
 * a simulated fleet. {@link #close} stops them in the order that loses nothing: the fleet, then the archiver
 * (it writes what it holds and acknowledges it), then the broker (it stores the rest), then the database.
 */
final class EdgeStack implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(EdgeStack.class);
  private static final Duration SUBSCRIBE_WAIT = Duration.ofSeconds(30);

  /**
   * What to run.
   *
   * @param data         the one directory of all state: {@code broker/}, {@code questdb/}, {@code dead-letters/}
   * @param broker       the broker's configuration; persistence is turned on here when it is off
   * @param archiverUrl  where the archiver connects, or {@code null} for the first plain listener
   * @param questdbPort  QuestDB's HTTP port (console, SQL, line protocol) on 127.0.0.1; 0 picks a free port
   * @param archiverFile settings of the archiver (credentials, TLS) read from a file, or empty
   * @param fleet        simulated devices to start; 0 for none
   * @param fleetLog     where the fleet's progress lines go
   */
  record Plan(Path data, BrokerConfig broker, String archiverUrl, int questdbPort, List<Setting> archiverFile,
      int fleet,
      PrintStream fleetLog) {
  }

  private final EmbeddedQuestDb questdb;
  private final FluxBroker broker;
  private final Archiver archiver;
  private final FleetRunner fleetRunner;
  private final Thread fleetThread;
  private final String mqtt;

  private EdgeStack(EmbeddedQuestDb questdb, FluxBroker broker, Archiver archiver, FleetRunner fleetRunner,
      Thread fleetThread, String mqtt) {
    this.questdb = questdb;
    this.broker = broker;
    this.archiver = archiver;
    this.fleetRunner = fleetRunner;
    this.fleetThread = fleetThread;
    this.mqtt = mqtt;
  }

  /**
   * The broker's configuration as {@code flux up} runs it: persistent, with its store under {@code data/broker}
   * unless the configuration names a {@code persistence_location} of its own.
   */
  static BrokerConfig persistent(BrokerConfig config, Path data) {
    BrokerConfig.Builder b = config.toBuilder().persistence(true);
    if (config.persistenceLocation().equals(BrokerConfig.builder().build().persistenceLocation())) {
      b.persistenceLocation(data.resolve("broker"));
    }
    return b.build();
  }

  /**
   * Starts the database, the broker, the archiver and the fleet, in that order; on a failure stops what was
   * started and throws.
   */
  static EdgeStack start(Plan plan) {
    EmbeddedQuestDb questdb = EmbeddedQuestDb.start(plan.data().resolve("questdb"), "127.0.0.1",
        plan.questdbPort());
    FluxBroker broker = null;
    Archiver archiver = null;
    AtomicReference<Archiver> running = new AtomicReference<>();
    try {
      broker = FluxBroker.builder(persistent(plan.broker(), plan.data()))
          .sysFigures(() -> running.get() == null ? Map.of() : archiverFigures(running.get().metrics())).build();
      broker.start();
      String url = plan.archiverUrl() != null
          ? plan.archiverUrl()
          : brokerUrl(plan.broker().listeners(), broker.boundAddresses());
      ArchiverConfig archiving = ArchiverConfig.parse(archiverSettings(plan, url, questdb));
      archiver = Archiver.start(archiving);
      running.set(archiver);
      if (broker.http().isPresent()) { // one endpoint for both: the broker's http_listener
        ArchiverCollectors.register(broker.registry(), archiver, archiving);
      }
      awaitSubscribed(archiver);
      showOnStatusPage(broker, archiver, archiving.clientId());
      FleetRunner runner = null;
      Thread thread = null;
      if (plan.fleet() > 0) {
        runner = new FleetRunner();
        FleetRunner r = runner;
        FleetConfig fleet = FleetConfig.defaults("127.0.0.1", plainPort(plan.broker().listeners(),
            broker.boundAddresses()), plan.fleet());
        thread = new Thread(() -> {
          try {
            r.run(fleet, null, Duration.ofSeconds(10), plan.fleetLog());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          } catch (RuntimeException e) {
            LOG.error("the simulated fleet stopped", e);
          }
        }, "flux-up-fleet");
        thread.start();
      }
      return new EdgeStack(questdb, broker, archiver, runner, thread,
          brokerUrl(plan.broker().listeners(), broker.boundAddresses()));
    } catch (RuntimeException e) {
      if (archiver != null) {
        archiver.close();
      }
      if (broker != null) {
        broker.close();
      }
      questdb.close();
      throw e;
    }
  }

  /** The archiver's figures under {@code $SYS/broker/flux/archiver/} (docs/sys.md), by topic below flux/. */
  private static Map<String, String> archiverFigures(ArchiverMetrics m) {
    Map<String, String> out = new LinkedHashMap<>();
    out.put("archiver/messages/received", Long.toString(m.messagesReceived()));
    out.put("archiver/messages/acknowledged", Long.toString(m.messagesAcked()));
    out.put("archiver/messages/ignored", Long.toString(m.ignored()));
    out.put("archiver/points/written", Long.toString(m.pointsWritten()));
    out.put("archiver/points/in_flight", Long.toString(m.pointsInFlight()));
    out.put("archiver/batches", Long.toString(m.batches()));
    out.put("archiver/retries", Long.toString(m.retries()));
    out.put("archiver/dead_letters", Long.toString(m.deadLetters()));
    return out;
  }

  /**
   * The archiver's backlog on the broker's status page (with http_listener): what the broker queues for its
   * session, what it holds unwritten, and what it wrote or set aside.
   */
  private static void showOnStatusPage(FluxBroker broker, Archiver archiver, String clientId) {
    StatusFeed feed = broker.statusFeed();
    if (feed == null) {
      return;
    }
    feed.section("archiver", () -> {
      ArchiverMetrics m = archiver.metrics();
      Map<String, Object> values = new LinkedHashMap<>();
      values.put("connected", archiver.connected());
      values.put("queued_in_broker", broker.queuedMessages(clientId));
      values.put("points_in_flight", m.pointsInFlight());
      values.put("points_written", m.pointsWritten());
      values.put("retries", m.retries());
      values.put("dead_letters", m.deadLetters());
      return values;
    });
  }

  /**
   * Waits for the archiver's first SUBACK: from then on the broker keeps every reading for it, so the fleet starts
   * and {@code flux up} says it is running only then. (On a first start, a device quicker than that is not archived;
   * on later starts the broker restores the archiver's session before it listens.)
   */
  private static void awaitSubscribed(Archiver archiver) {
    long end = System.nanoTime() + SUBSCRIBE_WAIT.toNanos();
    while (!archiver.subscribed()) {
      if (System.nanoTime() > end) {
        throw new IllegalStateException("the archiver has not subscribed after " + SUBSCRIBE_WAIT.toSeconds()
            + " s; is the broker refusing it? (its log says why)");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the archiver", e);
      }
    }
  }

  /** The archiver's settings: the stack's own first (broker, database, dead letters), then the file's. */
  private static List<Setting> archiverSettings(Plan plan, String brokerUrl, EmbeddedQuestDb questdb) {
    List<Setting> settings = new ArrayList<>();
    settings.add(new Setting("flux up", "broker", brokerUrl));
    settings.add(new Setting("flux up", "questdb_url", questdb.httpUrl().toString()));
    settings.add(new Setting("flux up", "dead_letter", plan.data().resolve("dead-letters").toString()));
    settings.addAll(plan.archiverFile());
    return settings;
  }

  /** {@code tcp://} to the first plain listener, else {@code ssl://} to the first one; loopback when bound to all. */
  static String brokerUrl(List<ListenerConfig> listeners, List<InetSocketAddress> bound) {
    for (int i = 0; i < listeners.size(); i++) {
      if (!listeners.get(i).isTls()) {
        return "tcp://" + host(listeners.get(i)) + ":" + bound.get(i).getPort();
      }
    }
    return "ssl://" + host(listeners.get(0)) + ":" + bound.get(0).getPort();
  }

  private static int plainPort(List<ListenerConfig> listeners, List<InetSocketAddress> bound) {
    for (int i = 0; i < listeners.size(); i++) {
      if (!listeners.get(i).isTls()) {
        return bound.get(i).getPort();
      }
    }
    throw new IllegalArgumentException("--fleet needs a plain MQTT listener; the configuration has only TLS ones");
  }

  private static String host(ListenerConfig l) {
    String a = l.bindAddress();
    return a.equals("0.0.0.0") || a.equals("::") || a.isEmpty() ? "127.0.0.1" : a.contains(":") ? "[" + a + "]" : a;
  }

  /** The status page's address (http_listener), when there is one. */
  Optional<String> statusPage() {
    return broker.http().filter(h -> broker.statusFeed() != null).map(h -> "http://"
        + hostOf(h.address()) + ":" + h.port() + "/");
  }

  private static String hostOf(InetSocketAddress a) {
    String h = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
    return h.contains(":") ? "[" + h + "]" : h;
  }

  /** Where MQTT clients connect: the first listener. */
  String mqtt() {
    return mqtt;
  }

  Archiver archiver() {
    return archiver;
  }

  EmbeddedQuestDb questdb() {
    return questdb;
  }

  @Override
  public void close() {
    if (fleetRunner != null) {
      try {
        fleetRunner.requestStop(Duration.ofSeconds(15));
        fleetThread.join(Duration.ofSeconds(5));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    archiver.close();
    broker.close();
    questdb.close();
  }
}
