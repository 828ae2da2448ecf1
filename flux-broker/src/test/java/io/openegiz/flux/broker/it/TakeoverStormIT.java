package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5DisconnectReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many threads connect and subscribe under the same few client ids at once, with real HiveMQ clients,
 * so that takeovers land on every step of another connection's CONNECT (issue 12, item 3). No storm
 * connection leaves by itself: each must be closed by the next CONNECT with its client id (0x8E), so
 * that one connection per id is left; every one taken over publishes its will [MQTT-3.1.4-3]; the
 * tree holds exactly the filters of the sessions that are current, so none delivers into another
 * session of the same client id; and once the survivors leave (with their wills), nothing is left.
 */
class TakeoverStormIT {
  private static final int CLIENT_IDS = 4;
  private static final int THREADS = 8;
  private static final int ROUNDS = 40;
  private static final int FILTERS = 5;

  @Test
  void takeoversOfTheSameClientIdsLoseNoWillAndLeaveNoSubscription() throws Exception {
    BrokerConfig config = ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "max_subscribe_rate 0", "max_unauthenticated_per_address 0")).config();
    try (TestBroker at = TestBroker.start(FluxBroker.builder(config).workerThreads(4))) {
      FluxBroker broker = at.broker();
      Mqtt5BlockingClient watcher = Clients.v5(at, "watcher");
      Set<String> wills = ConcurrentHashMap.newKeySet();
      watcher.toAsync().publishes(MqttGlobalPublishFilter.ALL, p -> wills.add(Clients.text(p)));
      watcher.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();

      Map<String, Mqtt5BlockingClient> accepted = storm(at);
      assertThat(accepted).hasSizeGreaterThan(THREADS * ROUNDS / 2);

      // The tree holds the filters of the current sessions, none of a connection taken over.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
          broker.context().subscriptions().subscriptionCount()).isEqualTo(1 + currentFilters(broker)));
      // One connection per client id is left: every other one was told it was taken over.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
          accepted.values().stream().filter(c -> c.getState().isConnected()).count()).isEqualTo(CLIENT_IDS));
      Set<String> survivors = new HashSet<>();
      accepted.forEach((token, c) -> {
        if (c.getState().isConnected()) survivors.add(token);
      });
      Set<String> takenOver = new HashSet<>(accepted.keySet());
      takenOver.removeAll(survivors);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(wills).containsAll(takenOver));

      for (String token : survivors) {
        accepted.get(token).disconnectWith().reasonCode(Mqtt5DisconnectReasonCode.DISCONNECT_WITH_WILL_MESSAGE)
            .send();
      }
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(wills).containsAll(accepted.keySet()));
      assertThat(wills).isEqualTo(accepted.keySet()); // each will once, none of a connection never accepted
      await().atMost(Duration.ofSeconds(10)).until(() -> broker.context().sessions().size() == 1);
      assertThat(broker.context().subscriptions().subscriptionCount()).isEqualTo(1); // the watcher's
      nextSessionsReceiveNothingOfTheStorm(at, accepted.keySet());
      watcher.disconnect();
    }
  }

  /** The filters the current sessions of the storm's client ids hold. */
  private static int currentFilters(FluxBroker broker) {
    int n = 0;
    for (int i = 0; i < CLIENT_IDS; i++) {
      n += broker.context().sessions().get("storm-" + i).subscriptions().size();
    }
    return n;
  }

  /** THREADS threads connect ROUNDS times each, over CLIENT_IDS client ids; the connections accepted by token. */
  private static Map<String, Mqtt5BlockingClient> storm(TestBroker at) throws Exception {
    Map<String, Mqtt5BlockingClient> accepted = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    List<Future<?>> runs = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      runs.add(pool.submit(() -> {
        for (int r = 0; r < ROUNDS; r++) {
          connect(at, "storm-" + (thread + r) % CLIENT_IDS, "t" + thread + "r" + r, accepted);
        }
        return null;
      }));
    }
    for (Future<?> f : runs) {
      f.get(120, TimeUnit.SECONDS);
    }
    pool.shutdown();
    return accepted;
  }

  /** Seen from outside: the next session of each client id receives nothing the storm subscribed to. */
  private static void nextSessionsReceiveNothingOfTheStorm(TestBroker at, Set<String> tokens) {
    List<Mqtt5BlockingClient> next = new ArrayList<>();
    List<List<Mqtt5Publish>> received = new ArrayList<>();
    for (int i = 0; i < CLIENT_IDS; i++) {
      Mqtt5BlockingClient c = Clients.v5(at, "storm-" + i);
      received.add(Clients.collect(c));
      c.subscribeWith().topicFilter("marker").qos(MqttQos.AT_LEAST_ONCE).send();
      next.add(c);
    }
    Mqtt5BlockingClient publisher = Clients.v5(at, "publisher");
    for (String token : tokens) {
      for (int i = 0; i < FILTERS; i++) {
        publisher.publishWith().topic("ghost/" + token + "/" + i).qos(MqttQos.AT_LEAST_ONCE).send();
      }
    }
    publisher.publishWith().topic("marker").payload(Clients.bytes("end")).qos(MqttQos.AT_LEAST_ONCE).send();
    for (List<Mqtt5Publish> l : received) {
      await().atMost(Duration.ofSeconds(10)).until(() -> !l.isEmpty());
      assertThat(Clients.texts(l)).containsExactly("end");
    }
    publisher.disconnect();
    next.forEach(Mqtt5BlockingClient::disconnect);
  }

  /** One connection under {@code id}, with a will naming {@code token} and a few filters, left open. */
  private static void connect(TestBroker at, String id, String token, Map<String, Mqtt5BlockingClient> accepted) {
    Mqtt5BlockingClient c = Clients.builder5(at, id).buildBlocking();
    try {
      c.connectWith().cleanStart(true).willPublish().topic("will/" + token).payload(Clients.bytes(token))
          .qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().send();
    } catch (RuntimeException e) {
      return; // not accepted: it has no will to lose
    }
    accepted.put(token, c);
    for (int i = 0; i < FILTERS; i++) { // pipelined, not awaited: the next takeover may strike between them
      c.toAsync().subscribeWith().topicFilter("ghost/" + token + "/" + i).qos(MqttQos.AT_LEAST_ONCE).send();
    }
  }
}
