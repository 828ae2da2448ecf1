package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.Test;

/** CONNECT handling end to end: protocol versions, CONNACK properties, client ids, authentication. */
class ConnectIT {

  private static Mqtt5BlockingClient mqtt5(TestBroker broker, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
  }

  private static Mqtt3BlockingClient mqtt3(TestBroker broker, String id) {
    return Mqtt3Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
  }

  @Test
  void mqtt311ClientsAreAccepted() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt3BlockingClient hive = mqtt3(broker, "hive3");
      Mqtt3ConnAck ack = hive.connect();
      assertThat(ack.getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.SUCCESS);
      assertThat(ack.isSessionPresent()).isFalse();

      MqttClient paho = new MqttClient(broker.uri(), "paho3", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
      paho.connect(o);
      assertThat(paho.isConnected()).isTrue();
      assertThat(broker.broker().context().sessions().get("paho3").online()).isTrue();
      assertThat(broker.broker().context().sessions().get("hive3").online()).isTrue();
      paho.disconnect();
      paho.close();
      hive.disconnect();
    }
  }

  @Test
  void mqtt5ConnAckCarriesTheBrokerLimits() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.maxPacketSize(50_000))) {
      Mqtt5BlockingClient client = mqtt5(broker, "limits");
      Mqtt5ConnAck ack = client.connect();
      assertThat(ack.getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.SUCCESS);
      assertThat(ack.getRestrictions().getReceiveMaximum()).isEqualTo(100);
      assertThat(ack.getRestrictions().getMaximumPacketSize()).isEqualTo(50_000);
      assertThat(ack.getRestrictions().getTopicAliasMaximum()).isEqualTo(10);
      assertThat(ack.getAssignedClientIdentifier()).isEmpty(); // the client chose its own id
      assertThat(ack.getServerKeepAlive()).isEmpty(); // 60 s is below the default maximum
      client.disconnect();
    }
  }

  @Test
  void mqtt5DefaultMaximumPacketSizeIsMessageLimitPlusOverhead() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.messageSizeLimit(1000))) {
      // Paho 5 as a second, independent client implementation.
      org.eclipse.paho.mqttv5.client.MqttClient paho = new org.eclipse.paho.mqttv5.client.MqttClient(
          broker.uri(), "paho5", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
      IMqttToken token = paho.connectWithResult(new MqttConnectionOptions());
      assertThat(token.getResponseProperties().getMaximumPacketSize()).isEqualTo(1000L + 64 * 1024);
      assertThat(token.getResponseProperties().getReceiveMaximum()).isEqualTo(100);
      assertThat(token.getResponseProperties().getTopicAliasMaximum()).isEqualTo(10);
      paho.disconnect();
      paho.close();
    }
  }

  @Test
  void emptyClientIdGetsAnAssignedIdentifier() {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient client = Mqtt5Client.builder().serverHost(broker.host()).serverPort(broker.port())
          .buildBlocking(); // no identifier: HiveMQ sends an empty client id
      Mqtt5ConnAck ack = client.connect();
      assertThat(ack.getAssignedClientIdentifier()).isPresent();
      String assigned = ack.getAssignedClientIdentifier().get().toString();
      assertThat(assigned).isNotEmpty();
      assertThat(broker.broker().context().sessions().get(assigned)).isNotNull();
      client.disconnect();
    }
  }

  @Test
  void emptyClientIdIsRefusedWithReason0x85WhenNotAllowed() {
    try (TestBroker broker = TestBroker.start(b -> b.allowZeroLengthClientid(false))) {
      Mqtt5BlockingClient client = Mqtt5Client.builder().serverHost(broker.host()).serverPort(broker.port())
          .buildBlocking();
      Mqtt5ConnAckException e = catchThrowableOfType(Mqtt5ConnAckException.class, client::connect);
      assertThat(e).isNotNull();
      assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
      assertThat(e.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x85);
      assertThat(broker.broker().context().sessions().size()).isZero();
    }
  }

  @Test
  void mqtt311EmptyClientIdWithoutCleanSessionIsRefusedWith0x02() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect311("", false, 60));
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(3));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.CONNACK);
      assertThat(got.get(0).reasonCode()).isEqualTo(0x02); // identifier rejected
      assertThat(got.get(0).sessionPresent()).isFalse();
    }
  }

  @Test
  void mqtt311EmptyClientIdWithCleanSessionIsAccepted() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect311("", true, 60));
      MqttPacket ack = raw.read();
      assertThat(ack.type()).isEqualTo(MqttWire.CONNACK);
      assertThat(ack.reasonCode()).isEqualTo(0x00);
    }
  }

  @Test
  void unsupportedProtocolLevelGetsReturnCode0x01AndClose() throws Exception {
    try (TestBroker broker = TestBroker.start(); RawClient raw = RawClient.open(broker)) {
      raw.send(
          0x10, // CONNECT, flags 0
          0x0D, // remaining length 13
          0x00, 0x04, 'M', 'Q', 'T', 'T', // protocol name "MQTT"
          0x06, // protocol level 6: neither 3.1.1 (4) nor 5.0 (5)
          0x02, // connect flags: clean session
          0x00, 0x3C, // keep alive 60 s
          0x00, 0x01, 'x'); // client id "x"
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(3));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.CONNACK);
      assertThat(got.get(0).reasonCode()).isEqualTo(0x01); // unacceptable protocol version
      assertThat(broker.broker().context().sessions().size()).isZero();
    }
  }

  @Test
  void anonymousClientsAreRefusedWhenAnonymousAccessIsOff() {
    try (TestBroker broker = TestBroker.start(b -> b.allowAnonymous(false))) {
      Mqtt5ConnAckException e5 = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> mqtt5(broker, "anon5").connect());
      assertThat(e5).isNotNull();
      assertThat(e5.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x87); // not authorized

      Mqtt3ConnAckException e3 = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> mqtt3(broker, "anon3").connect());
      assertThat(e3).isNotNull();
      assertThat(e3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED); // 0x05
      assertThat(e3.getMqttMessage().getReturnCode().getCode()).isEqualTo(0x05);
      assertThat(broker.broker().context().sessions().size()).isZero();
    }
  }

  @Test
  void aUsernameWithoutAPasswordFileIsBadCredentials() throws Exception {
    try (TestBroker broker = TestBroker.start(b -> b.allowAnonymous(false))) {
      Mqtt5ConnAckException e5 = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> mqtt5(broker, "user5").connectWith().simpleAuth().username("alice")
              .password("secret".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
      assertThat(e5).isNotNull();
      assertThat(e5.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(e5.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x86);

      Mqtt3ConnAckException e3 = catchThrowableOfType(Mqtt3ConnAckException.class,
          () -> mqtt3(broker, "user3").connectWith().simpleAuth().username("alice")
              .password("secret".getBytes(StandardCharsets.UTF_8)).applySimpleAuth().send());
      assertThat(e3).isNotNull();
      assertThat(e3.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.BAD_USER_NAME_OR_PASSWORD);

      // Paho 3.1.1 sees the same return code 4.
      MqttClient paho = new MqttClient(broker.uri(), "paho-user", new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setUserName("alice");
      o.setPassword("secret".toCharArray());
      MqttException pe = catchThrowableOfType(MqttException.class, () -> paho.connect(o));
      assertThat(pe).isNotNull();
      assertThat(pe.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION); // 4
      paho.close();
    }
  }

  @Test
  void connectWithAnAuthenticationMethodGets0x8C() throws Exception {
    byte[] method = "SCRAM-SHA-256".getBytes(StandardCharsets.US_ASCII);
    byte[] props = new MqttWire.Bytes()
        .u8(0x15).bin(method) // property 0x15 authentication method "SCRAM-SHA-256"
        .toArray();
    try (TestBroker broker = TestBroker.start(); RawClient raw = RawClient.open(broker)) {
      raw.send(MqttWire.connect5("auth", true, 60, props));
      List<MqttPacket> got = raw.awaitClose(Duration.ofSeconds(3));
      assertThat(got).hasSize(1);
      assertThat(got.get(0).type()).isEqualTo(MqttWire.CONNACK);
      assertThat(got.get(0).reasonCode()).isEqualTo(0x8C); // bad authentication method
      assertThat(broker.broker().context().sessions().get("auth")).isNull();
    }
  }
}
