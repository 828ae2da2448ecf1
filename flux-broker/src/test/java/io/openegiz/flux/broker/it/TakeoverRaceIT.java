package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A takeover on one event loop while the old connection's SUBSCRIBE packets are still being read on
 * another (review of issue 8): the old connection is detached and its session ended by the clean
 * start, but until its own loop runs the DISCONNECT it went on adding filters to the subscription tree
 * under the client id. Those reached the new, clean session (which never subscribed), counted against
 * no quota and outlived every session: unbounded growth past max_subscriptions_per_session.
 */
class TakeoverRaceIT {
  private static final int FILTERS = 4000;

  @Test
  void subscriptionsOfATakenOverConnectionDoNotReachTheNewSessionNorOutliveIt() throws Exception {
    BrokerConfig config = ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "max_subscribe_rate 0", "max_subscriptions_per_session 0")).config();
    try (FluxBroker broker = FluxBroker.builder(config).workerThreads(2).build().start()) {
      for (int round = 0; round < 5; round++) {
        Mqtt5AsyncClient old = Mqtt5Client.builder().identifier("twin").serverHost("127.0.0.1")
            .serverPort(broker.port()).buildAsync();
        old.connect().get(5, TimeUnit.SECONDS);
        CountDownLatch first = new CountDownLatch(1);
        for (int i = 0; i < FILTERS; i++) { // pipelined: the broker is still reading them at the takeover
          old.subscribeWith().topicFilter("ghost/" + round + "/" + i).qos(MqttQos.AT_MOST_ONCE).send()
              .whenComplete((ack, e) -> first.countDown());
        }
        assertThat(first.await(5, TimeUnit.SECONDS)).isTrue();

        Mqtt5BlockingClient twin = Mqtt5Client.builder().identifier("twin").serverHost("127.0.0.1")
            .serverPort(broker.port()).buildBlocking();
        assertThat(twin.connectWith().cleanStart(true).send().isSessionPresent()).isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> !old.getState().isConnected());
        int held = broker.context().sessions().get("twin").subscriptions().size();
        assertThat(held).isZero();
        // what the tree holds for "twin" is exactly what its session holds: nothing
        assertThat(broker.context().subscriptions().subscriptionCount()).isEqualTo(held);
        twin.disconnect();
        await().atMost(Duration.ofSeconds(5)).until(() -> broker.context().sessions().get("twin") == null);
        assertThat(broker.context().subscriptions().subscriptionCount()).isZero();
      }
    }
  }
}
