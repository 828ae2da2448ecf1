package io.openegiz.flux.broker.sys;

import java.util.Locale;
import java.util.Map;

/**
 * One of Mosquitto's {@code $SYS/broker/load/...} figures: a per-minute rate of a counter, averaged
 * exponentially over 1, 5 and 15 minutes as Mosquitto's {@code calc_load} does. Each update takes the
 * count's growth over the seconds since the previous one as a rate per minute {@code r}, and moves each
 * average to {@code r + e^(-dt/W) * (old - r)} with W = 60, 300 and 900 s. A window's value is published
 * on the first update and afterwards when it moved by 0.01 or more, printed with two decimals.
 */
final class LoadAverage {
  private static final int[] WINDOWS = {60, 300, 900};
  private static final String[] NAMES = {"1min", "5min", "15min"};
  private static final double MIN_CHANGE = 0.01;

  private final String topic;
  private final double[] current = new double[WINDOWS.length];
  private long lastCount;

  /** @param topic the topic without the window, e.g. {@code $SYS/broker/load/messages/received} */
  LoadAverage(String topic, long count) {
    this.topic = topic;
    this.lastCount = count;
  }

  /** Folds the count's growth over {@code seconds} in; puts each window that is due into {@code out}. */
  void update(long count, double seconds, boolean initial, Map<String, String> out) {
    double perMinute = (count - lastCount) * 60.0 / seconds;
    lastCount = count;
    for (int i = 0; i < WINDOWS.length; i++) {
      double exponent = Math.exp(-seconds / WINDOWS[i]);
      double next = perMinute + exponent * (current[i] - perMinute);
      if (initial || Math.abs(next - current[i]) >= MIN_CHANGE) {
        out.put(topic + "/" + NAMES[i], String.format(Locale.ROOT, "%.2f", next));
      }
      current[i] = next;
    }
  }
}
