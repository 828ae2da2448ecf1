package io.openegiz.flux.broker.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.security.PasswordAuthenticator;
import io.openegiz.flux.broker.security.PasswordHash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A broker with a password file accepts the right password and refuses others, in 5.0 and 3.1.1. */
class PasswordAuthIT {
  @TempDir
  Path dir;

  private TestBroker start(PasswordAuthenticator auth) {
    BrokerConfig config = BrokerConfig.builder().listener(0, "127.0.0.1").allowAnonymous(false).build();
    return TestBroker.start(FluxBroker.builder(config).authenticator(auth));
  }

  private Path passwordFile() throws Exception {
    Path f = dir.resolve("passwd");
    Files.writeString(f, "oven-001:" + PasswordHash.create("s3cret".getBytes(UTF_8), 101, new SecureRandom()).encoded()
        + "\n");
    return f;
  }

  @Test
  void mqtt5RightPasswordConnectsWrongOneGets0x86() throws Exception {
    try (PasswordAuthenticator auth = new PasswordAuthenticator(passwordFile(), false);
        TestBroker broker = start(auth)) {
      Mqtt5BlockingClient good = client(broker, "good");
      good.connectWith().simpleAuth().username("oven-001").password("s3cret".getBytes(UTF_8)).applySimpleAuth().send();
      good.disconnect();

      Mqtt5ConnAckException bad = catchThrowableOfType(Mqtt5ConnAckException.class, () -> client(broker, "bad")
          .connectWith().simpleAuth().username("oven-001").password("wrong".getBytes(UTF_8)).applySimpleAuth()
          .send());
      assertThat(bad.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.BAD_USER_NAME_OR_PASSWORD);
      assertThat(bad.getMqttMessage().getReasonCode().getCode()).isEqualTo(0x86);

      Mqtt5ConnAckException anon = catchThrowableOfType(Mqtt5ConnAckException.class,
          () -> client(broker, "anon").connect());
      assertThat(anon.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED);
    }
  }

  @Test
  void mqtt311WrongPasswordGets0x04() throws Exception {
    try (PasswordAuthenticator auth = new PasswordAuthenticator(passwordFile(), false);
        TestBroker broker = start(auth)) {
      MqttClient good = new MqttClient(broker.uri(), "paho-good", new MemoryPersistence());
      good.connect(options("s3cret"));
      assertThat(good.isConnected()).isTrue();
      good.disconnect();
      good.close();

      MqttClient bad = new MqttClient(broker.uri(), "paho-bad", new MemoryPersistence());
      MqttException e = catchThrowableOfType(MqttException.class, () -> bad.connect(options("wrong")));
      assertThat(e.getReasonCode()).isEqualTo(MqttException.REASON_CODE_FAILED_AUTHENTICATION).isEqualTo(4);
      bad.close();
    }
  }

  private static MqttConnectOptions options(String password) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    o.setUserName("oven-001");
    o.setPassword(password.toCharArray());
    o.setAutomaticReconnect(false);
    return o;
  }

  private static Mqtt5BlockingClient client(TestBroker broker, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
  }
}
