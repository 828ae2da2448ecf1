package io.openegiz.flux.broker.status;

import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.routing.RouteTap;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The fleet as the broker sees it now, fed from the messages it routes (not by a client of its own):
 * status messages and LWTs on {@code openegiz/{factory_id}/{equipment_type}/{equipment_id}/
 * {sensor_type}/status} set each device online or offline, telemetry on {@code …/{sensor_type}/telemetry}
 * gives last seen, message rate, RSSI and firmware. Only messages the publisher was allowed to send
 * reach it.
 *
 * <p>Cheap on the hot path: a topic that is not one of these two shapes costs two string tests; a known
 * device's message costs one map lookup and a few volatile writes, no allocation. Bounded: at most
 * {@code maxDevices} devices (config {@code status_max_devices}); messages of devices beyond that are
 * counted, not tracked.
 */
public final class FleetView implements RouteTap {
  private static final String ROOT = "openegiz/";
  private static final String TELEMETRY = "/telemetry";
  private static final String STATUS = "/status";
  /** Longest level tracked: topics.md allows 1 to 64 characters; longer ones would let one device fill the heap. */
  static final int MAX_LEVEL = 64;
  /** Longest topic a device can have: the root, four levels of at most {@link #MAX_LEVEL} and "/telemetry". */
  private static final int MAX_TOPIC = ROOT.length() + 4 * (MAX_LEVEL + 1) + TELEMETRY.length();

  private final int maxDevices;
  private final Clock clock;
  /** Both topics of a device (telemetry and status) lead to it: at most two entries per device. */
  private final ConcurrentHashMap<String, Device> byTopic = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Device> byKey = new ConcurrentHashMap<>();
  private final LongAdder untracked = new LongAdder();

  /**
   * @param maxDevices devices tracked at most; 0 tracks none (the broker then does not feed it)
   * @param clock the broker's clock: last seen and rates
   */
  public FleetView(int maxDevices, Clock clock) {
    if (maxDevices < 0) {
      throw new IllegalArgumentException("maxDevices must be 0 or more: " + maxDevices);
    }
    this.maxDevices = maxDevices;
    this.clock = clock;
  }

  @Override
  public void routed(Message m) {
    String topic = m.topic();
    if (!topic.startsWith(ROOT)) {
      return;
    }
    boolean telemetry = topic.endsWith(TELEMETRY);
    if (!telemetry && !topic.endsWith(STATUS)) {
      return;
    }
    Device d = byTopic.get(topic);
    if (d == null && (d = admit(topic)) == null) {
      return;
    }
    long now = clock.millis();
    if (telemetry) {
      d.telemetry(m.payload(), now);
    } else {
      d.status(m.payload(), now);
    }
  }

  /** The device a topic not seen before belongs to, added if there is room; null when none or full. */
  private Device admit(String topic) {
    if (byKey.size() >= maxDevices) {
      untracked.increment(); // before parsing: a full view costs no allocation either
      return null;
    }
    // openegiz/{factory}/{type}/{equipment}/{sensor}/{telemetry|status}: exactly six levels of 1 to 64 characters
    if (topic.length() > MAX_TOPIC) {
      return null;
    }
    String[] levels = topic.split("/", -1);
    if (levels.length != 6) {
      return null;
    }
    for (String level : levels) {
      if (level.isEmpty() || level.length() > MAX_LEVEL) {
        return null;
      }
    }
    Device fresh = new Device(levels[1], levels[2], levels[3], levels[4]);
    Device d = byKey.computeIfAbsent(fresh.key, k -> fresh);
    // Both topics now, so that the other one finds its device even once the view is full.
    String prefix = topic.substring(0, topic.lastIndexOf('/'));
    byTopic.putIfAbsent(prefix + TELEMETRY, d);
    byTopic.putIfAbsent(prefix + STATUS, d);
    return d;
  }

  /** Every tracked device, sorted by factory, equipment type, equipment and sensor. */
  List<Device> devices() {
    List<Device> all = new ArrayList<>(byKey.values());
    all.sort(Comparator.comparing(d -> d.key));
    return all;
  }

  /** Every tracked device, in no order: cheaper than {@link #devices()} when order does not matter. */
  Iterable<Device> unordered() {
    return byKey.values();
  }

  /** Devices tracked now. */
  public int size() {
    return byKey.size();
  }

  /** The cap on devices ({@code status_max_devices}). */
  public int maxDevices() {
    return maxDevices;
  }

  /** Messages of devices beyond the cap, which the view does not track. */
  public long untrackedMessages() {
    return untracked.sum();
  }

  /** The state of one device by its key {@code factory/type/equipment/sensor}, or null when unknown; for tests. */
  String stateOf(String key) {
    Device d = byKey.get(key);
    return d == null ? null : d.state().name().toLowerCase(java.util.Locale.ROOT);
  }

  Device device(String key) {
    return byKey.get(key);
  }
}
