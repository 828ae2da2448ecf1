package io.openegiz.flux.archiver.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The intake against a real broker whose window to it is small: the HiveMQ client sends PUBACKs in the order the
 * messages arrived, so a single message left unacknowledged stops all delivery once the window is full.
 */
class MqttIntakeIT {
  private static final int WINDOW = 3;
  private FluxBroker broker;
  private MqttIntake intake;

  @AfterEach
  void stop() {
    if (intake != null) {
      intake.close();
    }
    broker.close();
  }

  @Test
  void aMessageTheArchiverFailsOnIsHandedBackAndAcknowledgedSoDeliveryGoesOn() {
    broker = FluxBroker.builder(BrokerConfig.builder().listener(0, "127.0.0.1").maxInflightMessages(WINDOW).build())
        .build().start();
    List<String> taken = new CopyOnWriteArrayList<>();
    List<String> failed = new CopyOnWriteArrayList<>();
    intake = new MqttIntake(new MqttIntake.Settings(URI.create("tcp://127.0.0.1:" + broker.port()), "it-intake",
        List.of("t/#"), null, null, null, Duration.ofMinutes(5), 100), new MqttIntake.Receiver() {
          @Override
          public void receive(String topic, byte[] payload, Runnable ack) {
            if (topic.equals("t/poison")) {
              throw new IllegalStateException("a bug of the archiver"); // not bad input: that is dead-lettered
            }
            taken.add(topic);
            ack.run();
          }

          @Override
          public void failed(String topic, byte[] payload, RuntimeException error, Runnable ack) {
            failed.add(topic + ": " + error.getMessage());
            ack.run();
          }
        });
    intake.start();
    await().atMost(Duration.ofSeconds(10)).until(intake::subscribed);

    Mqtt5BlockingClient publisher = MqttClient.builder().useMqttVersion5().identifier("it-intake-publisher")
        .serverHost("127.0.0.1").serverPort(broker.port()).buildBlocking();
    publisher.connect();
    publish(publisher, "t/poison");
    for (int i = 0; i < 4 * WINDOW; i++) {
      publish(publisher, "t/" + i);
    }
    publisher.disconnect();

    // Without the hand-back, the poison message's PUBACK never goes out, nor any after it: the broker stops after
    // WINDOW - 1 more messages.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(taken).hasSize(4 * WINDOW));
    assertThat(failed).containsExactly("t/poison: a bug of the archiver");
  }

  private static void publish(Mqtt5BlockingClient client, String topic) {
    client.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).payload("x".getBytes(StandardCharsets.UTF_8)).send();
  }
}
