package io.openegiz.flux.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-topic rates: named filters, the OpenEgiz hierarchy, and the cap beyond which all is "other". */
class TopicRatesTest {
  private static final List<TopicRates.NamedFilter> FILTERS = List.of(
      new TopicRates.NamedFilter("electrical", "openegiz/+/+/+/electrical/#"),
      new TopicRates.NamedFilter("factory_a", "openegiz/factory-a/#"));

  @Test
  void aMessageCountsUnderEveryFilterItMatchesAndItsPlace() {
    TopicRates t = new TopicRates(FILTERS, true, 512);
    t.received("openegiz/factory-a/oven/oven-001/electrical/telemetry", 100);
    t.received("openegiz/factory-a/oven/oven-002/electrical/telemetry", 50); // same place: same series
    t.received("openegiz/factory-b/press/press-001/thermal/telemetry", 10);
    t.received("lab/test", 1);
    t.sent("openegiz/factory-b/press/press-001/electrical/telemetry", 7);
    assertThat(t.filtersReceived().get("electrical").messages()).isEqualTo(2);
    assertThat(t.filtersReceived().get("electrical").bytes()).isEqualTo(150);
    assertThat(t.filtersReceived().get("factory_a").messages()).isEqualTo(2);
    assertThat(t.filtersSent().get("electrical").bytes()).isEqualTo(7);
    assertThat(t.filtersSent().get("factory_a").messages()).isZero();
    assertThat(t.places().get("factory-a/oven/electrical").messages()).isEqualTo(2);
    assertThat(t.places().get("factory-b/press/thermal").bytes()).isEqualTo(10);
    assertThat(t.places().get("other/other/other").messages()).isEqualTo(1); // outside the hierarchy
    assertThat(t.series()).isEqualTo(4); // two filters, two places
  }

  @Test
  void beyondTheCapEverythingCountsAsOtherAndTheSumsStayExact() {
    TopicRates t = new TopicRates(FILTERS, true, 3);
    for (int f = 0; f < 10; f++) {
      t.received("openegiz/factory-" + f + "/oven/oven-001/thermal/telemetry", 1);
    }
    assertThat(t.series()).isEqualTo(3);
    assertThat(t.places()).containsOnlyKeys("factory-0/oven/thermal", "other/other/other");
    assertThat(t.places().get("other/other/other").messages()).isEqualTo(9);
    long total = t.places().values().stream().mapToLong(TopicRates.Counter::messages).sum();
    assertThat(total).isEqualTo(10);
  }

  @Test
  void filtersBeyondTheCapAreOtherAndACapOfZeroCountsOnlyOther() {
    TopicRates one = new TopicRates(FILTERS, false, 1);
    one.received("openegiz/factory-a/oven/oven-001/electrical/telemetry", 5);
    assertThat(one.filtersReceived()).containsOnlyKeys("electrical", "other");
    TopicRates none = new TopicRates(List.of(), true, 0);
    none.received("openegiz/factory-a/oven/oven-001/electrical/telemetry", 5);
    assertThat(none.places()).containsOnlyKeys("other/other/other");
  }

  @Test
  void matchingFollowsMqttWildcards() {
    assertThat(TopicRates.matches("a/+/c".split("/"), "a/b/c".split("/"))).isTrue();
    assertThat(TopicRates.matches("a/#".split("/"), "a".split("/"))).isTrue(); // [MQTT-4.7.1-2]
    assertThat(TopicRates.matches("a/+".split("/"), "a/b/c".split("/"))).isFalse();
    assertThat(TopicRates.matches("#".split("/"), "$SYS/broker".split("/"))).isFalse(); // [MQTT-4.7.2-1]
    assertThat(TopicRates.matches("a/b".split("/"), "a/b/".split("/", -1))).isFalse();
  }
}
