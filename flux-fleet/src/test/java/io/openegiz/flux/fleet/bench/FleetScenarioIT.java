package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The spec fleet and the overload scenario, briefly, against in-process Flux brokers. */
class FleetScenarioIT {

  @Test
  void fleetDeliversEveryTelemetryMessageToBothWildcardSubscribers() throws Exception {
    try (FluxBroker broker = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build()
        .start()) {
      BenchConfig config = new BenchConfig("127.0.0.1", broker.port(), 40, 2, 1, 400, 400, Duration.ofSeconds(2),
          Duration.ZERO, MqttVersion.V3_1_1, 100, 1, "openegiz", Duration.ofSeconds(10), BenchConfig.WindowScope.ACK);
      BenchReport r = new FanInScenario(config, "flux", s -> {}, TopicPlan.fleet()).run();
      assertThat(r.drained()).as(r.text()).isTrue();
      assertThat(r.totals().sent()).isGreaterThan(600);
      assertThat(r.totals().lost()).isZero();
      assertThat(r.totals().delivered()).isEqualTo(2 * r.totals().sent());
      assertThat(r.connect().count()).isEqualTo(42);
    }
  }

  @Test
  void overloadedFluxPausesPublishersInsteadOfDropping() throws Exception {
    BrokerConfig brokerConfig = BrokerConfig.builder().listener(0, "127.0.0.1").maxQueuedMessages(100).build();
    try (FluxBroker broker = FluxBroker.builder(brokerConfig).build().start()) {
      BenchConfig config = new BenchConfig("127.0.0.1", broker.port(), 4, 1, 1, 64, 0, Duration.ofSeconds(2),
          Duration.ZERO, MqttVersion.V3_1_1, 100, 1, "it", Duration.ofSeconds(10), BenchConfig.WindowScope.ACK);
      BenchReport r = new FanInScenario(config, "flux", s -> {}).run();
      assertThat(r.drained()).as(r.text()).isTrue();
      assertThat(r.totals().lost()).as(r.text()).isZero();
      assertThat(r.totals().delivered()).isEqualTo(r.totals().sent());
    }
  }
}
