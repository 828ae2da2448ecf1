package io.openegiz.flux.broker.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.security.AclAuthorizer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A persistent session restored after a restart keeps its username, so the ACL still lets messages
 * reach it while it is offline (before the fix, a restored session was nobody and got nothing).
 */
class DurableAclIT {
  @TempDir
  Path dir;

  private FluxBroker start(int port, Path acl) throws Exception {
    BrokerConfig cfg = BrokerConfig.builder().listener(port, "127.0.0.1").persistence(true)
        .persistenceLocation(dir.resolve("store")).build();
    return FluxBroker.builder(cfg).authorizer(new AclAuthorizer(acl)).build().start();
  }

  private static Mqtt5BlockingClient client(int port, String id) {
    return Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port).buildBlocking();
  }

  @Test
  void aRestoredOfflineSessionStillReceivesWhatItsAclAllows() throws Exception {
    Path acl = Files.writeString(dir.resolve("acl"),
        "user reader\ntopic read plant/#\nuser writer\ntopic write plant/#\n");
    int port;
    try (FluxBroker first = start(0, acl)) {
      port = first.port();
      Mqtt5BlockingClient sub = client(port, "reader-1");
      sub.connectWith().cleanStart(true).sessionExpiryInterval(3600).simpleAuth().username("reader")
          .applySimpleAuth().send();
      sub.subscribeWith().topicFilter("plant/#").qos(MqttQos.AT_LEAST_ONCE).send();
      sub.disconnect();
    }
    try (FluxBroker second = start(port, acl)) {
      Mqtt5BlockingClient pub = client(port, "writer-1");
      pub.connectWith().simpleAuth().username("writer").applySimpleAuth().send();
      pub.publishWith().topic("plant/oven").payload("after-restart".getBytes(StandardCharsets.UTF_8))
          .qos(MqttQos.AT_LEAST_ONCE).send();
      pub.disconnect();

      Mqtt5BlockingClient sub = client(port, "reader-1");
      try (Mqtt5BlockingClient.Mqtt5Publishes pubs = sub.publishes(MqttGlobalPublishFilter.ALL)) {
        assertThat(sub.connectWith().cleanStart(false).sessionExpiryInterval(3600).simpleAuth().username("reader")
            .applySimpleAuth().send().isSessionPresent()).isTrue();
        Optional<Mqtt5Publish> got = pubs.receive(10, TimeUnit.SECONDS);
        assertThat(got).isPresent();
        assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("after-restart");
      }
      sub.disconnect();
    }
  }
}
