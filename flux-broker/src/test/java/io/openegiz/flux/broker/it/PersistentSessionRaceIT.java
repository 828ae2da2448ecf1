package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * max_persistent_sessions_per_identity under parallel CONNECTs of one identity on several event loops
 * (review of issue 8): each admission pruned the ids the registry did not hold yet, so CONNECTs
 * admitted on other loops but not yet registered stopped counting and the quota was overshot.
 */
class PersistentSessionRaceIT {

  @Test
  void parallelConnectsOfOneIdentityOpenNoMoreThanItsPersistentSessions() throws Exception {
    BrokerConfig config = ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "max_persistent_sessions_per_identity 2")).config();
    try (FluxBroker b = FluxBroker.builder(config).workerThreads(4).build().start()) {
      for (int round = 0; round < 5; round++) {
        List<Mqtt5AsyncClient> clients = new ArrayList<>();
        List<CompletableFuture<Mqtt5ConnAck>> acks = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
          Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("r" + round + "-" + i).serverHost("127.0.0.1")
              .serverPort(b.port()).buildAsync();
          clients.add(c);
          acks.add(c.connectWith().sessionExpiryInterval(600).simpleAuth().username("dev-" + round)
              .applySimpleAuth().send());
        }
        int accepted = 0;
        for (CompletableFuture<Mqtt5ConnAck> f : acks) {
          try {
            f.get(10, TimeUnit.SECONDS);
            accepted++;
          } catch (java.util.concurrent.ExecutionException refused) {
            // 0x97 quota exceeded
          }
        }
        assertThat(accepted).as("round %d", round).isEqualTo(2);
        for (Mqtt5AsyncClient c : clients) {
          if (c.getState().isConnected()) {
            c.disconnect();
          }
        }
      }
    }
  }
}
