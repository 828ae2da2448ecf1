package io.openegiz.flux.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttVersion;
import io.openegiz.flux.broker.session.Session;
import io.openegiz.flux.broker.session.SessionPersistence;
import io.openegiz.flux.broker.store.DiskFullException;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A SUBSCRIBE whose new subscription list the store cannot write is answered with failure codes
 * (MQTT 5: 0x80, or 0x97 for a full disk; 3.1.1: 0x80), and the subscription is undone in memory, so
 * the client is not sent what it was told it did not subscribe to.
 */
class SubscribeStoreFailureTest {
  private ConnectionFixture f;

  @AfterEach
  void close() {
    f.close();
  }

  /** A store behind every session whose session writes fail with {@code failure}. */
  private static SessionPersistence failing(Exception failure) {
    return new SessionPersistence() {
      @Override
      public boolean enabled() {
        return true;
      }

      @Override
      public boolean persistent(Session s) {
        return true;
      }

      @Override
      public CompletableFuture<Void> subscriptionsChanged(Session s) {
        return CompletableFuture.failedFuture(failure);
      }
    };
  }

  private MqttSubAckMessage subscribe(MqttVersion version, Exception failure) {
    f = ConnectionFixture.create(b -> b, null, null, failing(failure));
    ConnectionFixture.Conn c = f.open();
    MqttConnectionHandlerTest.assertAccepted(c.connect("c", version));
    c.send(MqttMessageBuilders.subscribe().messageId(5).addSubscription(MqttQoS.AT_LEAST_ONCE, "t/#")
        .addSubscription(MqttQoS.AT_MOST_ONCE, "bad/#/x").build());
    MqttSubAckMessage ack = (MqttSubAckMessage) c.next();
    assertThat(ack.variableHeader().messageId()).isEqualTo(5);
    assertThat(c.isOpen()).isTrue();
    ConnectionFixture.Conn pub = f.open();
    MqttConnectionHandlerTest.assertAccepted(pub.connect("p", MqttVersion.MQTT_3_1_1));
    pub.send(MqttConnectionHandlerTest.publish("t/1", 0, 0, "x"));
    assertThat(c.received()).as("the refused subscription delivers nothing").isEmpty();
    return ack;
  }

  @Test
  void mqtt5GetsUnspecifiedError() {
    assertThat(subscribe(MqttVersion.MQTT_5, new IOException("write failed")).payload().reasonCodes())
        .containsExactly(ReasonCode.UNSPECIFIED_ERROR & 0xFF, ReasonCode.TOPIC_FILTER_INVALID & 0xFF);
  }

  @Test
  void mqtt5GetsQuotaExceededWhenTheDiskIsFull() {
    assertThat(subscribe(MqttVersion.MQTT_5, new DiskFullException("sst", "No space left on device", null))
        .payload().reasonCodes())
        .containsExactly(ReasonCode.QUOTA_EXCEEDED & 0xFF, ReasonCode.TOPIC_FILTER_INVALID & 0xFF);
  }

  @Test
  void mqtt311GetsFailure() {
    assertThat(subscribe(MqttVersion.MQTT_3_1_1, new IOException("write failed")).payload().reasonCodes())
        .containsExactly(0x80, 0x80);
  }
}
