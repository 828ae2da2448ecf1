package io.openegiz.flux.fleet.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 50-client storm against an in-process broker closed and started again on the same port. */
class ReconnectStormScenarioIT {

  /** Closing stands in for kill -9: the connections drop without a DISCONNECT from the clients. */
  private static final class InProcess implements BrokerControl {
    private final BrokerConfig config;
    private FluxBroker broker;

    InProcess(BrokerConfig config) {
      this.config = config;
      start();
    }

    @Override
    public void kill() {
      broker.close();
    }

    @Override
    public void start() {
      broker = FluxBroker.builder(config).build().start();
    }
  }

  @Test
  void everyClientReconnectsAndGetsItsMessageAgain(@TempDir Path dir) throws Exception {
    FluxBroker first = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").build()).build().start();
    int port = first.port();
    first.close();
    BrokerConfig config = BrokerConfig.builder().listener(port, "127.0.0.1").build();
    InProcess broker = new InProcess(config);
    try {
      StormConfig c = new StormConfig("127.0.0.1", port, 50, MqttVersion.V3_1_1, 50, 1, Duration.ofSeconds(20));
      ReconnectStormReport r = new ReconnectStormScenario(c, broker, "flux", s -> {}).run();
      assertThat(r.initiallyReady()).as(r.text()).isTrue();
      assertThat(r.allDropped()).isTrue();
      assertThat(r.allBack()).as(r.text()).isTrue();
      assertThat(r.reconnect().count()).isEqualTo(50);
      assertThat(r.delivery().count()).isEqualTo(50);
      assertThat(r.meetsTarget()).as(r.text()).isTrue();
      ReconnectStormReport.write(List.of(r), "test machine", dir.resolve("r.json"), dir.resolve("r.html"));
    } finally {
      broker.kill();
    }
  }
}
