package io.openegiz.flux.broker.sys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The load averages as Mosquitto's {@code calc_load} computes and prints them. */
class LoadAverageTest {
  private static final String TOPIC = "$SYS/broker/load/publish/received";

  @Test
  void aSteadyRateMovesEachWindowTowardsItByItsOwnWeight() {
    LoadAverage load = new LoadAverage(TOPIC, 0);
    Map<String, String> out = new LinkedHashMap<>();
    load.update(600, 60, true, out); // 600 in 60 s: 600 per minute
    // 600 + e^(-60/W) * (0 - 600) for W = 60, 300, 900
    assertThat(out).containsExactly(Map.entry(TOPIC + "/1min", "379.27"), Map.entry(TOPIC + "/5min", "108.76"),
        Map.entry(TOPIC + "/15min", "38.70"));
    out.clear();
    load.update(1200, 60, false, out);
    assertThat(out).containsEntry(TOPIC + "/1min", "518.80");
  }

  @Test
  void publishedFirstAlwaysThenOnlyWhenMovedByAHundredth() {
    LoadAverage load = new LoadAverage(TOPIC, 0);
    Map<String, String> out = new LinkedHashMap<>();
    load.update(0, 10, true, out);
    assertThat(out).containsOnlyKeys(TOPIC + "/1min", TOPIC + "/5min", TOPIC + "/15min")
        .containsValue("0.00");
    out.clear();
    load.update(0, 10, false, out);
    assertThat(out).as("nothing moved").isEmpty();
    load.update(1, 10, false, out); // 6 per minute for 10 s
    assertThat(out).containsEntry(TOPIC + "/1min", "0.92").containsEntry(TOPIC + "/15min", "0.07");
  }
}
