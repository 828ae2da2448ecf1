package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnAckVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConnectionLimits;
import io.openegiz.flux.broker.config.LoginLimits;
import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.Authorizer;
import io.openegiz.flux.broker.security.ClientIdentity;
import io.openegiz.flux.broker.session.SessionPersistence;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One test per CONNECT refusal (see {@link ConnectProcessor}): the CONNACK carries the MQTT 5 reason
 * code or the 3.1.1 return code, nothing else is sent, and the connection closes; packets pipelined
 * behind a refused CONNECT are discarded.
 */
class ConnectRefusalTest {
  private ConnectionFixture f;

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  private ConnectionFixture.Conn open(UnaryOperator<BrokerConfig.Builder> settings, Authenticator authn,
      Authorizer authz) {
    f = ConnectionFixture.create(settings, authn, authz, SessionPersistence.NONE);
    return f.open();
  }

  private ConnectionFixture.Conn open() {
    return open(b -> b, null, null);
  }

  private static MqttMessageBuilders.ConnectBuilder connect(MqttVersion v, String clientId) {
    return MqttMessageBuilders.connect().protocolVersion(v).clientId(clientId).cleanSession(true).keepAlive(60);
  }

  /** Asserts that the only answer is a CONNACK with {@code code} and that the connection closed. */
  private static void assertRefused(ConnectionFixture.Conn c, byte code) {
    MqttMessage m = c.next();
    assertThat(m.fixedHeader().messageType()).isEqualTo(MqttMessageType.CONNACK);
    assertThat(((MqttConnAckVariableHeader) m.variableHeader()).connectReturnCode().byteValue()).isEqualTo(code);
    c.server.runPendingTasks();
    assertThat(c.isOpen()).isFalse();
  }

  private static Authenticator answering(Authenticator.Result r) {
    return creds -> CompletableFuture.completedFuture(r);
  }

  @Test
  void unsupportedProtocolLevel() {
    ConnectionFixture.Conn c = open();
    // CONNECT, remaining length 12, "MQTT", protocol level 6, clean start, keep alive 60, empty client id
    c.hex("10 0c 0004 4d515454 06 02 003c 0000");
    assertRefused(c, ReasonCode.V3_UNACCEPTABLE_PROTOCOL_VERSION);
  }

  @Test
  void emptyClientIdWhenNotAllowed() {
    ConnectionFixture.Conn c = open(b -> b.allowZeroLengthClientid(false), null, null);
    c.send(connect(MqttVersion.MQTT_5, "").build());
    assertRefused(c, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
  }

  @Test
  void emptyClientIdWithoutCleanSessionIn311() {
    ConnectionFixture.Conn c = open();
    c.send(connect(MqttVersion.MQTT_3_1_1, "").cleanSession(false).build());
    assertRefused(c, ReasonCode.V3_IDENTIFIER_REJECTED);
  }

  @Test
  void badCredentials() {
    ConnectionFixture.Conn c = open(b -> b, answering(Authenticator.Result.badCredentials("wrong password")), null);
    c.send(connect(MqttVersion.MQTT_5, "d").build());
    assertRefused(c, ReasonCode.BAD_USERNAME_OR_PASSWORD);
  }

  @Test
  void badCredentialsIn311() {
    ConnectionFixture.Conn c = open(b -> b, answering(Authenticator.Result.badCredentials("wrong password")), null);
    c.send(connect(MqttVersion.MQTT_3_1_1, "d").build());
    assertRefused(c, ReasonCode.V3_BAD_USERNAME_OR_PASSWORD);
  }

  @Test
  void lockedUsernameIsBanned() {
    f = ConnectionFixture.create(b -> b, answering(Authenticator.Result.badCredentials("wrong password")), null,
        SessionPersistence.NONE);
    for (int i = 0; i < LoginLimits.DEFAULT_MAX_FAILURES_PER_USER; i++) {
      ConnectionFixture.Conn guess = f.open();
      guess.send(connect(MqttVersion.MQTT_5, "g" + i).username("admin").password(new byte[1]).build());
      guess.server.advanceTimeBy(15, TimeUnit.SECONDS); // past the failure delay, which grows per failure
      guess.server.runScheduledPendingTasks();
      assertThat(guess.received()).hasSize(1); // refused: bad credentials, or busy near the lock
    }
    ConnectionFixture.Conn c = f.open();
    c.send(connect(MqttVersion.MQTT_5, "g").username("admin").password(new byte[1]).build());
    assertRefused(c, ReasonCode.BANNED);
  }

  @Test
  void notAuthorized() {
    ConnectionFixture.Conn c = open(b -> b, answering(Authenticator.Result.notAuthorized("blocked")), null);
    c.send(connect(MqttVersion.MQTT_5, "d").build());
    assertRefused(c, ReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void serverBusy() {
    ConnectionFixture.Conn c = open(b -> b, answering(Authenticator.Result.serverBusy("backend down")), null);
    c.send(connect(MqttVersion.MQTT_3_1_1, "d").build());
    assertRefused(c, ReasonCode.V3_SERVER_UNAVAILABLE);
  }

  @Test
  void authenticatorErrorIsUnspecifiedError() {
    ConnectionFixture.Conn c = open(b -> b, creds -> CompletableFuture.failedFuture(new IllegalStateException("x")),
        null);
    c.send(connect(MqttVersion.MQTT_5, "d").build());
    assertRefused(c, ReasonCode.UNSPECIFIED_ERROR);
  }

  @Test
  void authenticationMethodIsNotSupported() {
    ConnectionFixture.Conn c = open();
    MqttProperties p = new MqttProperties();
    p.add(new MqttProperties.StringProperty(MqttProperties.AUTHENTICATION_METHOD, "SCRAM-SHA-1"));
    c.send(connect(MqttVersion.MQTT_5, "d").properties(p).build());
    assertRefused(c, ReasonCode.BAD_AUTHENTICATION_METHOD);
  }

  @Test
  void invalidWillTopic() {
    ConnectionFixture.Conn c = open();
    // CONNECT 3.1.1: flags 0x06 = will + clean session; client id "d"; will topic "a/#"; will message "x"
    c.hex("10 15 0004 4d515454 04 06 003c 0001 64 0003 612f23 0001 78");
    assertRefused(c, ReasonCode.V3_IDENTIFIER_REJECTED);
  }

  @Test
  void willFlagsWithoutAWill() {
    ConnectionFixture.Conn c = open();
    // CONNECT MQTT 5: flags 0x22 = will retain + clean start, no will flag; property length 0; client id "d"
    c.hex("10 0e 0004 4d515454 05 22 003c 00 0001 64");
    assertRefused(c, ReasonCode.MALFORMED_PACKET);
  }

  @Test
  void willNotAuthorized() {
    Authorizer noPublish = new Authorizer() {
      @Override
      public boolean canPublish(ClientIdentity client, String topic) {
        return false;
      }

      @Override
      public boolean canSubscribe(ClientIdentity client, String filter) {
        return true;
      }

      @Override
      public boolean canReceive(ClientIdentity client, String topic) {
        return true;
      }
    };
    ConnectionFixture.Conn c = open(b -> b, null, noPublish);
    c.send(connect(MqttVersion.MQTT_5, "d").willFlag(true).willTopic("w").willMessage(new byte[1]).build());
    assertRefused(c, ReasonCode.NOT_AUTHORIZED);
  }

  @Test
  void willTooLarge() {
    ConnectionFixture.Conn c = open(b -> b.messageSizeLimit(10), null, null);
    c.send(connect(MqttVersion.MQTT_5, "d").willFlag(true).willTopic("w").willMessage(new byte[11]).build());
    assertRefused(c, ReasonCode.PACKET_TOO_LARGE);
  }

  @Test
  void keepAliveAboveMaximumIn311() {
    ConnectionFixture.Conn c = open(b -> b.maxKeepalive(30), null, null);
    c.send(connect(MqttVersion.MQTT_3_1_1, "d").keepAlive(60).build());
    assertRefused(c, ReasonCode.V3_IDENTIFIER_REJECTED);
  }

  @Test
  void keepAliveAboveMaximumIsLoweredInMqtt5() {
    f = ConnectionFixture.create(b -> b.maxKeepalive(30));
    MqttConnAckMessage ack = (MqttConnAckMessage) f.open().connect(connect(MqttVersion.MQTT_5, "d").keepAlive(60));
    assertThat(ack.variableHeader().properties().getProperty(MqttProperties.SERVER_KEEP_ALIVE).value()).isEqualTo(30);
  }

  @Test
  void receiveMaximumZero() {
    ConnectionFixture.Conn c = open();
    MqttProperties p = new MqttProperties();
    p.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, 0));
    c.send(connect(MqttVersion.MQTT_5, "d").properties(p).build());
    assertRefused(c, ReasonCode.PROTOCOL_ERROR);
  }

  @Test
  void sessionOwnedByAnotherIdentity() {
    f = ConnectionFixture.create(b -> b, answering(Authenticator.Result.allow()), null, SessionPersistence.NONE);
    MqttConnAckMessage first = (MqttConnAckMessage) f.open().connect(connect(MqttVersion.MQTT_5, "shared")
        .username("alice").password("a".getBytes(StandardCharsets.UTF_8)));
    ConnectionFixture.Conn c = f.open();
    assertThat(first.variableHeader().connectReturnCode().byteValue()).isEqualTo((byte) 0);
    c.send(connect(MqttVersion.MQTT_5, "shared").username("mallory").password("m".getBytes(StandardCharsets.UTF_8))
        .build());
    assertRefused(c, ReasonCode.CLIENT_IDENTIFIER_NOT_VALID);
  }

  @Test
  void tooManyConnectionsOfOneIdentity() {
    f = ConnectionFixture.create(b -> b.connectionLimits(new ConnectionLimits(1,
        ConnectionLimits.DEFAULT_MAX_CONNECT_SIZE, ConnectionLimits.DEFAULT_MAX_UNAUTHENTICATED_PER_ADDRESS)),
        answering(Authenticator.Result.allow()), null, SessionPersistence.NONE);
    f.open().connect(connect(MqttVersion.MQTT_5, "one").username("u").password(new byte[1]));
    ConnectionFixture.Conn c = f.open();
    c.send(connect(MqttVersion.MQTT_5, "two").username("u").password(new byte[1]).build());
    assertRefused(c, ReasonCode.QUOTA_EXCEEDED);
  }

  @Test
  void tooManyPersistentSessionsOfOneIdentity() {
    f = ConnectionFixture.create(b -> b.maxPersistentSessionsPerIdentity(1)
        .persistentClientExpiration(Duration.ofHours(1)), answering(Authenticator.Result.allow()), null,
        SessionPersistence.NONE);
    f.open().connect(connect(MqttVersion.MQTT_3_1_1, "one").cleanSession(false).username("u").password(new byte[1]));
    ConnectionFixture.Conn c = f.open();
    c.send(connect(MqttVersion.MQTT_3_1_1, "two").cleanSession(false).username("u").password(new byte[1]).build());
    assertRefused(c, ReasonCode.V3_NOT_AUTHORIZED);
  }

  @Test
  void packetsPipelinedBehindARefusedConnectAreDiscarded() {
    ConnectionFixture.Conn c = open(b -> b, answering(Authenticator.Result.notAuthorized("no")), null);
    c.send(connect(MqttVersion.MQTT_3_1_1, "d").build(),
        MqttMessageBuilders.publish().topicName("t").qos(MqttQoS.AT_LEAST_ONCE).messageId(1)
            .payload(io.netty.buffer.Unpooled.EMPTY_BUFFER).build(),
        new MqttMessage(MqttConnectionHandlerTest.header(MqttMessageType.PINGREQ, 0)));
    assertRefused(c, ReasonCode.V3_NOT_AUTHORIZED);
  }
}
