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
        asks.send(RawClient.connect5("asker", true, 60, new byte[] {0x19, 0x01}));
        RawClient.Packet connack = asks.read(2);
        assertThat(connack.connackCode()).isZero();
        // CONNACK: acknowledge flags, reason code, then the properties.
        Map<Integer, Object> props = connack.properties(2);
        assertThat(props.get(0x1A)).isEqualTo("flux/response/asker");
      }
      try (RawClient quiet = RawClient.open(broker)) {
        quiet.send(RawClient.connect5("quiet", true, 60, new byte[0]));
        RawClient.Packet connack = quiet.read(2);
        assertThat(connack.properties(2)).doesNotContainKey(0x1A);
      }
    }
  }
}
