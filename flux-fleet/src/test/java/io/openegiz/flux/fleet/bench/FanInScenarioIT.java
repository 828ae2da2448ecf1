package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A two-second fan-in against an in-process Flux broker: everything acknowledged is delivered, nothing lost. */
class FanInScenarioIT {

  @Test
  void qos1FanInLosesNothing() throws Exception {
    for (MqttVersion version : MqttVersion.values()) {
      try (FluxBroker broker = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build()
          .start()) {
        BenchConfig config = new BenchConfig("127.0.0.1", broker.port(), 4, 1, 1, 64, 0, Duration.ofSeconds(2),
            Duration.ofSeconds(0), version, 50, 1, "it", Duration.ofSeconds(10), BenchConfig.WindowScope.DELIVERY);
        BenchReport r = new FanInScenario(config, "flux", s -> {}).run();
        assertThat(r.drained()).as(version.label()).isTrue();
        assertThat(r.totals().sent()).isGreaterThan(200);
        assertThat(r.totals().delivered()).isEqualTo(r.totals().acked()).isEqualTo(r.totals().sent());
        assertThat(r.totals().lost()).isZero();
        assertThat(r.totals().duplicates()).isZero();
        assertThat(r.latency().count()).isPositive();
      }
    }
  }
}
