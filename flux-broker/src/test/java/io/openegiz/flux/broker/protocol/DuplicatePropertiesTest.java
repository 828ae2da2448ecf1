package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The scan for repeated MQTT 5 properties, packet type by packet type, on bytes commented field by field. */
class DuplicatePropertiesTest {

  private static int find(String hex) {
    return DuplicateProperties.find(Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex)));
  }

  @Test
  void aPublishWithTheSamePropertyTwiceIsFound() {
    assertThat(find("3009" // PUBLISH QoS 0, remaining length 9
        + "000174" // topic "t"
        + "04" + "0101" + "0101" // properties: payload format indicator 1, twice
        + "78")) // payload "x"
        .isEqualTo(0x01);
    assertThat(find("320d" // PUBLISH QoS 1, remaining length 13
        + "000174" + "0007" // topic "t", packet id 7
        + "06" + "0300017a" + "0101" // content type "z", payload format indicator: no repeat
        + "78")).isEqualTo(-1);
  }

  @Test
  void userPropertiesMayRepeat() {
    assertThat(find("3012" // PUBLISH QoS 0, remaining length 18
        + "000174" // topic "t"
        + "0e" + "26000161000162" + "26000161000162")) // user property a=b, twice
        .isEqualTo(-1);
  }

  @Test
  void connectAndWillPropertiesAreBothScanned() {
    assertThat(find("1018" // CONNECT, remaining length 24
        + "00044d515454" + "05" + "02" + "003c" // "MQTT", level 5, clean start, keep alive 60
        + "0a" + "1100000000" + "1100000001" // session expiry interval twice
        + "000161")) // client id "a"
        .isEqualTo(0x11);
    assertThat(find("101e" // CONNECT, remaining length 30
        + "00044d515454" + "05" + "06" + "003c" // level 5, clean start + will flag, keep alive 60
        + "00" // no CONNECT properties
        + "000161" // client id "a"
        + "0a" + "0200000010" + "0200000020" // will properties: message expiry interval twice
        + "000177" + "0000")) // will topic "w", empty will payload
        .isEqualTo(0x02);
  }

  @Test
  void subscribeAcknowledgementsDisconnectAndAuthAreScanned() {
    assertThat(find("820b" + "0001" + "04" + "0b01" + "0b02" + "000174" + "00")) // SUBSCRIBE: subscription id twice
        .isEqualTo(0x0B);
    assertThat(find("400a" + "0001" + "00" + "06" + "1f000178" + "1f00")) // PUBACK: reason string twice (cut)
        .isEqualTo(0x1F);
    assertThat(find("e00c" + "00" + "0a" + "1100000000" + "1100000000")) // DISCONNECT: session expiry twice
        .isEqualTo(0x11);
    assertThat(find("f00e" + "18" + "0c" + "150001" + "41" + "150001" + "42" + "16000178")) // AUTH: method twice
        .isEqualTo(0x15);
    assertThat(find("4002" + "0001")).isEqualTo(-1); // PUBACK without reason code or properties
    assertThat(find("c000")).isEqualTo(-1); // PINGREQ
  }

  @Test
  void malformedBlocksAreLeftToTheCodec() {
    assertThat(find("3006" + "000174" + "0a" + "0101")).isEqualTo(-1); // block longer than the packet
    assertThat(find("3008" + "000174" + "03" + "7f0101")).isEqualTo(-1); // unknown property, then a repeat
    assertThat(find("30")).isEqualTo(-1); // cut inside the fixed header
  }
}
