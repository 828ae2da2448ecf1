package io.openegiz.flux.broker.sys;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.Router;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the broker's figures under {@code $SYS/broker/} with Mosquitto's names (FR-2.10, FR-5.1):
 * {@code version} once at start, then every {@code sys_interval} seconds {@code uptime} and each other
 * figure that changed since its last publication. The messages are retained, QoS 2 as in Mosquitto
 * (a subscriber gets its subscription's QoS), and have <em>no</em> message expiry: Mosquitto 2.0.0 to
 * 2.0.15 set 60 s, so that a late subscriber missed every value that had not changed for a minute.
 * They go through the router like any retained publish, so the ACL decides who reads them and a
 * leading wildcard never matches them [MQTT-4.7.2-1].
 */
public final class SysTree implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SysTree.class);

  /** The root of Mosquitto's tree. */
  public static final String PREFIX = "$SYS/broker/";
  /** Mosquitto queues its $SYS messages at QoS 2; subscribers get min(2, their subscription's QoS). */
  static final int QOS = 2;

  private final SysFigures figures;
  private final Router router;
  private final Clock clock;
  private final String version;
  private final long startMillis;
  private final Map<String, String> published = new HashMap<>();
  private final Map<String, LoadAverage> loads = new TreeMap<>();
  private long lastTickMillis;
  private ScheduledFuture<?> task;

  private SysTree(SysSources sources, Router router, Clock clock, String version) {
    this.figures = new SysFigures(sources);
    this.router = router;
    this.clock = clock;
    this.version = version;
    this.startMillis = clock.millis();
    this.lastTickMillis = startMillis;
  }

  /**
   * Publishes the version and a first set of figures now, then every {@code intervalSeconds} on
   * {@code scheduler}; returns null, publishing nothing, when the interval is 0.
   *
   * @param version what {@code $SYS/broker/version} says, e.g. "flux version 0.1.0"
   */
  public static SysTree start(int intervalSeconds, SysSources sources, Router router, Clock clock, String version,
      ScheduledExecutorService scheduler) {
    if (intervalSeconds <= 0) {
      return null;
    }
    SysTree tree = new SysTree(sources, router, clock, version);
    tree.task = scheduler.scheduleAtFixedRate(tree::tick, 0, intervalSeconds, TimeUnit.SECONDS);
    return tree;
  }

  /** One publication; never throws, so that one bad read does not stop the schedule. */
  void tick() {
    try {
      publishDue();
    } catch (RuntimeException e) {
      LOG.warn("$SYS publication failed; the next one is due in sys_interval seconds", e);
    }
  }

  private void publishDue() {
    long now = clock.millis();
    boolean initial = loads.isEmpty();
    Map<String, String> due = new LinkedHashMap<>();
    if (initial) {
      due.put("version", version);
      figures.loadCounters().forEach((name, count) -> loads.put(name, new LoadAverage(PREFIX + "load/" + name, 0)));
    }
    // Whole seconds, at least one, as Mosquitto counts them; the first covers the time since start.
    double seconds = Math.max(1, (now - lastTickMillis) / 1000);
    lastTickMillis = now;
    Map<String, String> values = new LinkedHashMap<>();
    values.put("uptime", (now - startMillis) / 1000 + " seconds");
    figures.read(values);
    values.forEach((topic, value) -> {
      if (topic.equals("uptime") || !value.equals(published.get(topic))) {
        due.put(topic, value);
      }
    });
    Map<String, String> loadValues = new LinkedHashMap<>();
    figures.loadCounters().forEach((name, count) -> loads.get(name).update(count, seconds, initial, loadValues));
    due.forEach((topic, value) -> publish(PREFIX + topic, value));
    loadValues.forEach(this::publish);
    published.putAll(values);
  }

  private void publish(String topic, String value) {
    router.publish(new Message(topic, value.getBytes(StandardCharsets.UTF_8), QOS, true, "", 0,
        Message.Properties.NONE));
  }

  /** Stops the publications; the retained messages stay until the broker stops. */
  @Override
  public void close() {
    if (task != null) {
      task.cancel(false);
    }
  }
}
