package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A delayed will whose delay is not shorter than its session's expiry is due when the session ends
 * [MQTT-3.1.3-9]. Restored from the store after a restart, its timer and the session's expiry timer
 * fell due in the same millisecond; when the expiry ran first it ended the session and cancelled the
 * will, which was then lost for good (review of issue 8). Ten such sessions make the loss certain.
 */
class DelayedWillRestartIT {
  private static final int SESSIONS = 10;

  @TempDir
  Path dir;

  private FluxBroker start() throws Exception {
    BrokerConfig config = ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1", "allow_anonymous true",
        "max_publish_rate 0", "persistence true", "persistence_location " + dir.resolve("store"))).config();
    return FluxBroker.builder(config).build().start();
  }

  @Test
  void aRestoredDelayedWillIsPublishedWhenItsSessionExpiresFirst() throws Exception {
    try (FluxBroker b = start()) {
      for (int i = 0; i < SESSIONS; i++) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("dev-" + i).serverHost("127.0.0.1")
            .serverPort(b.port()).buildBlocking();
        c.connectWith().cleanStart(true).sessionExpiryInterval(2).willPublish().topic("will/dev-" + i)
            .payload("gone".getBytes(StandardCharsets.UTF_8)).qos(MqttQos.AT_LEAST_ONCE).delayInterval(600)
            .applyWillPublish().send();
      }
    } // shutdown ends the connections without DISCONNECT: the wills are stored, due with the expiry
    try (FluxBroker b = start()) {
      Mqtt5BlockingClient watcher = Mqtt5Client.builder().identifier("watcher").serverHost("127.0.0.1")
          .serverPort(b.port()).buildBlocking();
      watcher.connect();
      try (Mqtt5BlockingClient.Mqtt5Publishes in = watcher.publishes(MqttGlobalPublishFilter.ALL)) {
        watcher.subscribeWith().topicFilter("will/#").qos(MqttQos.AT_LEAST_ONCE).send();
        Set<String> got = new HashSet<>();
        Optional<Mqtt5Publish> p;
        while (got.size() < SESSIONS && (p = in.receive(6, TimeUnit.SECONDS)).isPresent()) {
          got.add(p.get().getTopic().toString());
        }
        assertThat(got).hasSize(SESSIONS);
      }
      watcher.disconnect();
    }
  }
}
