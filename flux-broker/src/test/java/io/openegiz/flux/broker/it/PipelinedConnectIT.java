package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A client may send packets right after CONNECT without waiting for the CONNACK (MQTT 5 section 3.1.4:
 * "Clients are allowed to send further MQTT Control Packets immediately after sending a CONNECT
 * packet"). They used to be handled while the CONNECT was still being authenticated, with no identity
 * and no session: an internal error closed the connection before the CONNACK (review of issue 8). They
 * are handled as that client once it is accepted.
 */
class PipelinedConnectIT {

  @Test
  void aSubscribeAndPublishSentWithTheConnectAreHandledAfterTheConnAck() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient c = RawClient.open(broker)) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(MqttWire.connect311("pipelined", true, 60));
      b.writeBytes(MqttWire.subscribe(1, "pipe/#", 1, false));
      b.writeBytes(MqttWire.publish("pipe/x", 1, 2, "hello".getBytes(StandardCharsets.UTF_8), false));
      c.send(b.toByteArray()); // one write: the broker decodes all three in one read

      assertThat(c.read().type()).isEqualTo(MqttWire.CONNACK);
      assertThat(c.read(MqttWire.SUBACK).type()).isEqualTo(MqttWire.SUBACK);
      assertThat(c.read(MqttWire.PUBLISH).type()).isEqualTo(MqttWire.PUBLISH);
    }
  }
}
