package io.openegiz.flux.broker.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Per-topic rates with a bounded number of series (FR-5.6): messages and bytes per named topic filter, and
 * per {@code factory_id}/{@code equipment_type}/{@code sensor_type} of
 * {@code openegiz/{factory_id}/{equipment_type}/{equipment_id}/{sensor_type}/...}. Series beyond the cap,
 * and topics outside the hierarchy, count under {@code other}, so the sums stay exact. What a topic counts
 * under is worked out once and cached by topic, so a message costs one map lookup and two adds.
 */
public final class TopicRates {
  /** The label value of whatever is beyond the cap or outside the hierarchy. */
  public static final String OTHER = "other";
  /** Distinct topics whose counters are cached; beyond it they are worked out per message. */
  private static final int MAX_CACHED_TOPICS = 100_000;
  private static final String ROOT = "openegiz";

  /** A named filter of {@code metrics_topic_filter NAME FILTER}. */
  public record NamedFilter(String name, String filter) {}

  /** Messages and bytes of one series. */
  public static final class Counter {
    private final LongAdder messages = new LongAdder();
    private final LongAdder bytes = new LongAdder();

    void add(int n) {
      messages.increment();
      bytes.add(n);
    }

    public long messages() { return messages.sum(); }
    public long bytes() { return bytes.sum(); }
  }

  /** What one topic counts under: the received and sent counters of every filter it matches, its place. */
  private record Route(Counter[] received, Counter[] sent, Counter hierarchy) {}

  private final List<NamedFilter> filters;
  private final String[][] filterLevels;
  private final boolean hierarchy;
  private final int maxSeries;
  private final Map<String, Counter> filterReceived = new LinkedHashMap<>();
  private final Map<String, Counter> filterSent = new LinkedHashMap<>();
  private final Map<String, Counter> places = new ConcurrentHashMap<>();
  private final Counter otherPlace = new Counter();
  /** The place of a topic only sent to so far (retained messages, wills): decided when one arrives. */
  private static final Counter PENDING = new Counter();
  private final AtomicInteger series = new AtomicInteger();
  private final Map<String, Route> routes = new ConcurrentHashMap<>();

  /**
   * @param filters named filters, each counted from the start (they take their places under the cap first)
   * @param hierarchy whether to count by place in the OpenEgiz hierarchy
   * @param maxSeries the cap on series of both families (metrics_topic_max_series)
   */
  public TopicRates(List<NamedFilter> filters, boolean hierarchy, int maxSeries) {
    this.hierarchy = hierarchy;
    this.maxSeries = maxSeries;
    List<NamedFilter> kept = new ArrayList<>();
    for (NamedFilter f : filters) {
      if (series.get() < maxSeries) {
        series.incrementAndGet();
        kept.add(f);
        filterReceived.put(f.name(), new Counter());
        filterSent.put(f.name(), new Counter());
      }
    }
    if (kept.size() < filters.size()) {
      filterReceived.put(OTHER, new Counter()); // the filters beyond the cap
      filterSent.put(OTHER, new Counter());
    }
    this.filters = List.copyOf(kept);
    this.filterLevels = kept.stream().map(f -> f.filter().split("/", -1)).toArray(String[][]::new);
  }

  /** A PUBLISH of {@code bytes} payload bytes arrived on {@code topic}. */
  public void received(String topic, int bytes) {
    Route r = route(topic, true);
    if (r.hierarchy() == PENDING) { // first seen as sent: its place is taken only once a message arrives on it
      r = new Route(r.received(), r.sent(), place(topic.split("/", -1)));
      routes.replace(topic, r);
    }
    for (Counter c : r.received()) {
      c.add(bytes);
    }
    if (r.hierarchy() != null) {
      r.hierarchy().add(bytes);
    }
  }

  /** A PUBLISH on {@code topic} was written to a subscriber. */
  public void sent(String topic, int bytes) {
    for (Counter c : route(topic, false).sent()) {
      c.add(bytes);
    }
  }

  private Route route(String topic, boolean arrived) {
    Route r = routes.get(topic);
    if (r == null) {
      r = work(topic, arrived);
      if (routes.size() < MAX_CACHED_TOPICS) {
        routes.putIfAbsent(topic, r);
      }
    }
    return r;
  }

  /** @param arrived whether a message arrived on the topic: only then does it take a place in the hierarchy */
  private Route work(String topic, boolean arrived) {
    String[] levels = topic.split("/", -1);
    List<Counter> received = new ArrayList<>();
    List<Counter> sent = new ArrayList<>();
    for (int i = 0; i < filters.size(); i++) {
      if (matches(filterLevels[i], levels)) {
        received.add(filterReceived.get(filters.get(i).name()));
        sent.add(filterSent.get(filters.get(i).name()));
      }
    }
    return new Route(received.toArray(Counter[]::new), sent.toArray(Counter[]::new),
        !hierarchy ? null : arrived ? place(levels) : PENDING);
  }

  /** The counter of the topic's place, a new one while under the cap, else {@code other}. */
  private Counter place(String[] levels) {
    if (levels.length < 6 || !levels[0].equals(ROOT) || levels[1].isEmpty() || levels[2].isEmpty()
        || levels[4].isEmpty()) {
      return otherPlace;
    }
    String key = levels[1] + "/" + levels[2] + "/" + levels[4];
    Counter c = places.get(key);
    if (c != null) {
      return c;
    }
    synchronized (places) {
      c = places.get(key);
      if (c == null) {
        if (series.get() >= maxSeries) {
          return otherPlace;
        }
        series.incrementAndGet();
        c = new Counter();
        places.put(key, c);
      }
      return c;
    }
  }

  /** MQTT filter matching [MQTT-4.7]: '+' one level, '#' the rest; '$' topics only by a literal first level. */
  static boolean matches(String[] filter, String[] topic) {
    if (topic[0].startsWith("$") && (filter[0].equals("+") || filter[0].equals("#"))) {
      return false; // [MQTT-4.7.2-1]
    }
    for (int i = 0; i < filter.length; i++) {
      if (filter[i].equals("#")) {
        return true;
      }
      if (i >= topic.length || !(filter[i].equals("+") || filter[i].equals(topic[i]))) {
        return false;
      }
    }
    return filter.length == topic.length;
  }

  /** Series in use, both families ({@code other} not counted). */
  public int series() { return series.get(); }
  public int maxSeries() { return maxSeries; }
  public boolean hierarchy() { return hierarchy; }
  /** Received counters by filter name, {@code other} last when filters were beyond the cap. */
  public Map<String, Counter> filtersReceived() {
    return filterReceived;
  }
  public Map<String, Counter> filtersSent() { return filterSent; }

  /** Counters by place, as {@code factory_id/equipment_type/sensor_type}, plus {@code other/other/other}. */
  public Map<String, Counter> places() {
    Map<String, Counter> all = new LinkedHashMap<>(places);
    all.put(OTHER + "/" + OTHER + "/" + OTHER, otherPlace);
    return all;
  }
}
