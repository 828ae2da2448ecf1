package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicPlanTest {

  @Test
  void fleetTopicsAreTheSpecsTelemetryTopics() {
    TopicPlan plan = TopicPlan.fleet();
    assertThat(plan.publisherTopic("r", 0)).isEqualTo("openegiz/factory-a/oven/oven-0/temperature/telemetry");
    assertThat(plan.publisherTopic("r", 5)).isEqualTo("openegiz/factory-a/press/press-1/vibration/telemetry");
    assertThat(plan.subscriberFilter("r", 0)).isEqualTo("openegiz/#");
    assertThat(plan.subscriberFilter("r", 1)).isEqualTo("openegiz/+/+/+/+/telemetry");
    for (int i = 0; i < 1000; i++) {
      assertThat(plan.payloadBytes(i)).isBetween(300, 500);
    }
  }

  @Test
  void fanInKeepsTheRunUnderThePrefix() {
    TopicPlan plan = TopicPlan.fanIn("flux-bench", 64);
    assertThat(plan.publisherTopic("abc", 3)).isEqualTo("flux-bench/abc/p3");
    assertThat(plan.subscriberFilter("abc", 7)).isEqualTo("flux-bench/abc/#");
    assertThat(plan.payloadBytes(9)).isEqualTo(64);
  }
}
