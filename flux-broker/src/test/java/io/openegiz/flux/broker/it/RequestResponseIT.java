package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** MQTT 5 request/response information [MQTT-3.1.2-28]: given when asked for, never otherwise. */
class RequestResponseIT {

  @Test
  void responseInformationIsGivenOnlyWhenRequested() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      try (RawClient asks = RawClient.open(broker)) {
        // CONNECT properties: 0x19 Request Response Information = 1.
        asks.send(MqttWire.connect5("asker", true, 60, new byte[] {0x19, 0x01}));
        MqttPacket connack = asks.read(2);
        assertThat(connack.reasonCode()).isZero();
        // CONNACK: acknowledge flags, reason code, then the properties.
        Map<Integer, Object> props = connack.propertyMap();
        assertThat(props.get(0x1A)).isEqualTo("flux/response/asker");
      }
      try (RawClient quiet = RawClient.open(broker)) {
        quiet.send(MqttWire.connect5("quiet", true, 60, new byte[0]));
        MqttPacket connack = quiet.read(2);
        assertThat(connack.propertyMap()).doesNotContainKey(0x1A);
      }
    }
  }
}
