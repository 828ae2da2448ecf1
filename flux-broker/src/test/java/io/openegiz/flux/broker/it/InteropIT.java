package io.openegiz.flux.broker.it;

import static io.openegiz.flux.broker.it.Clients.bytes;
import static io.openegiz.flux.broker.it.Clients.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.junit.jupiter.api.Test;

/** Clients from other projects talking to each other through the broker: Paho 3 and 5, HiveMQ, mosquitto. */
class InteropIT {

  private record Received(String topic, String payload, int qos, boolean retained, List<String> userProperties) {}

  private static MqttClient paho3(TestBroker broker, String id, List<Received> sink) throws Exception {
    MqttClient c = new MqttClient(broker.uri(), id, new MemoryPersistence());
    c.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {}
      @Override
      public void messageArrived(String topic, MqttMessage m) {
        sink.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isRetained(),
            List.of()));
      }
      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {}
    });
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    c.connect(o);
    return c;
  }

  private static org.eclipse.paho.mqttv5.client.MqttClient paho5(TestBroker broker, String id, List<Received> sink)
      throws Exception {
    var c = new org.eclipse.paho.mqttv5.client.MqttClient(broker.uri(), id,
        new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
    c.setCallback(new org.eclipse.paho.mqttv5.client.MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse r) {}
      @Override
      public void mqttErrorOccurred(MqttException e) {}
      @Override
      public void messageArrived(String topic, org.eclipse.paho.mqttv5.common.MqttMessage m) {
        List<String> ups = new ArrayList<>();
        if (m.getProperties() != null && m.getProperties().getUserProperties() != null) {
          for (UserProperty u : m.getProperties().getUserProperties()) ups.add(u.getKey() + "=" + u.getValue());
        }
        sink.add(new Received(topic, new String(m.getPayload(), StandardCharsets.UTF_8), m.getQos(), m.isRetained(),
            ups));
      }
      @Override
      public void deliveryComplete(IMqttToken token) {}
      @Override
      public void connectComplete(boolean reconnect, String uri) {}
      @Override
      public void authPacketArrived(int reason, MqttProperties p) {}
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    c.connect(o);
    return c;
  }

  @Test
  void paho3PublisherToHivemq5Subscriber() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "hive-sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("interop/+/data").qos(MqttQos.EXACTLY_ONCE).send();
      MqttClient pub = paho3(broker, "paho3-pub", new CopyOnWriteArrayList<>());
      pub.publish("interop/a/data", bytes("q1"), 1, false);
      pub.publish("interop/b/data", bytes("q2"), 2, false);
      pub.publish("interop/c/data", bytes("q0"), 0, false);
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
      assertThat(got).extracting(p -> p.getTopic() + ":" + text(p) + ":" + p.getQos().getCode())
          .containsExactly("interop/a/data:q1:1", "interop/b/data:q2:2", "interop/c/data:q0:0");
      pub.disconnect();
      pub.close();
    }
  }

  @Test
  void hivemq5PublisherToPaho3Subscriber() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      List<Received> got = new CopyOnWriteArrayList<>();
      MqttClient sub = paho3(broker, "paho3-sub", got);
      sub.subscribe("interop/#", 2);
      Mqtt5BlockingClient pub = Clients.v5(broker, "hive-pub");
      pub.publishWith().topic("interop/x").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("one"))
          .userProperties().add("k", "v").applyUserProperties().send();
      pub.publishWith().topic("interop/y").qos(MqttQos.EXACTLY_ONCE).payload(bytes("two")).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
      assertThat(got).containsExactly(new Received("interop/x", "one", 1, false, List.of()),
          new Received("interop/y", "two", 2, false, List.of()));
      sub.disconnect();
      sub.close();
    }
  }

  @Test
  void paho5UserPropertiesReachHivemqAndBack() throws Exception {
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient hive = Clients.v5(broker, "hive");
      List<Mqtt5Publish> hiveGot = Clients.collect(hive);
      hive.subscribeWith().topicFilter("p5/to-hive").qos(MqttQos.AT_LEAST_ONCE).send();
      List<Received> pahoGot = new CopyOnWriteArrayList<>();
      var paho = paho5(broker, "paho5", pahoGot);
      paho.subscribe("p5/to-paho", 1);

      var m = new org.eclipse.paho.mqttv5.common.MqttMessage(bytes("from-paho"));
      m.setQos(1);
      MqttProperties props = new MqttProperties();
      props.setUserProperties(List.of(new UserProperty("a", "1"), new UserProperty("b", "2"),
          new UserProperty("a", "3")));
      props.setContentType("text/plain");
      m.setProperties(props);
      paho.publish("p5/to-hive", m);
      await().atMost(Duration.ofSeconds(5)).until(() -> hiveGot.size() == 1);
      assertThat(text(hiveGot.get(0))).isEqualTo("from-paho");
      assertThat(hiveGot.get(0).getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue())
          .containsExactly("a=1", "b=2", "a=3");
      assertThat(hiveGot.get(0).getContentType())
          .hasValueSatisfying(c -> assertThat(c.toString()).isEqualTo("text/plain"));

      hive.publishWith().topic("p5/to-paho").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("from-hive"))
          .userProperties().add("x", "9").add("x", "8").applyUserProperties().send();
      await().atMost(Duration.ofSeconds(5)).until(() -> pahoGot.size() == 1);
      assertThat(pahoGot.get(0).payload()).isEqualTo("from-hive");
      assertThat(pahoGot.get(0).qos()).isEqualTo(1);
      assertThat(pahoGot.get(0).userProperties()).containsExactly("x=9", "x=8");
      paho.disconnect();
      paho.close();
    }
  }

  // ---- mosquitto command line clients -----------------------------------------------------------

  private static final Path MOSQUITTO_SUB = Path.of("/usr/bin/mosquitto_sub");
  private static final Path MOSQUITTO_PUB = Path.of("/usr/bin/mosquitto_pub");

  /** The clients are a test requirement (.ci/run installs them): missing is a failure, not a skip. */
  private static void assumeMosquittoClients() {
    org.assertj.core.api.Assertions.assertThat(Files.isExecutable(MOSQUITTO_SUB) && Files.isExecutable(MOSQUITTO_PUB))
        .as("mosquitto-clients must be installed (apt-get install mosquitto-clients)").isTrue();
  }

  /** A started process whose stdout lines are collected by a reader thread. */
  private record Proc(Process process, List<String> lines, Thread reader) implements AutoCloseable {
    static Proc start(String... command) throws IOException {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread t = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          String l;
          while ((l = r.readLine()) != null) lines.add(l);
        } catch (IOException e) {
          // process ended
        }
      }, "proc-reader");
      t.setDaemon(true);
      t.start();
      return new Proc(p, lines, t);
    }

    int exit() throws InterruptedException {
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("process ended within 10 s; output %s", lines).isTrue();
      reader.join(5_000); // all its output read
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroyForcibly();
    }
  }

  private static Proc run(String... command) throws Exception {
    Proc p = Proc.start(command);
    assertThat(p.exit()).as("exit code of %s; output %s", List.of(command), p.lines()).isZero();
    return p;
  }

  @Test
  void mosquittoPubQos1ReachesHivemqSubscriber() throws Exception {
    assumeMosquittoClients();
    try (TestBroker broker = TestBroker.start()) {
      Mqtt5BlockingClient sub = Clients.v5(broker, "hive-sub");
      List<Mqtt5Publish> got = Clients.collect(sub);
      sub.subscribeWith().topicFilter("mq/#").qos(MqttQos.AT_LEAST_ONCE).send();
      run(MOSQUITTO_PUB.toString(), "-h", broker.host(), "-p", Integer.toString(broker.port()), "-V", "mqttv311",
          "-q", "1", "-t", "mq/v3", "-m", "hello-311");
      run(MOSQUITTO_PUB.toString(), "-h", broker.host(), "-p", Integer.toString(broker.port()), "-V", "mqttv5",
          "-q", "1", "-t", "mq/v5", "-m", "hello-5", "-D", "publish", "user-property", "k", "v");
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
      assertThat(got).extracting(p -> p.getTopic() + ":" + text(p) + ":" + p.getQos().getCode())
          .containsExactly("mq/v3:hello-311:1", "mq/v5:hello-5:1");
      assertThat(got.get(1).getUserProperties().asList()).extracting(u -> u.getName() + "=" + u.getValue())
          .containsExactly("k=v");
    }
  }

  @Test
  void mosquittoSubReceivesQos1FromHivemq() throws Exception {
    assumeMosquittoClients();
    for (String version : List.of("mqttv311", "mqttv5")) {
      try (TestBroker broker = TestBroker.start()) {
        Mqtt5BlockingClient pub = Clients.v5(broker, "hive-pub");
        // A retained probe tells when mosquitto_sub's subscription is in place (its output is not line-buffered
        // for debug lines, but every message is flushed).
        pub.publishWith().topic("ms/probe").qos(MqttQos.AT_LEAST_ONCE).retain(true).payload(bytes("probe")).send();
        try (Proc sub = Proc.start(MOSQUITTO_SUB.toString(), "-h", broker.host(), "-p",
            Integer.toString(broker.port()), "-V", version, "-q", "1", "-t", "ms/#", "-C", "3", "-F",
            "MSG|%r|%q|%t|%p")) {
          await().atMost(Duration.ofSeconds(10)).until(() -> sub.lines().contains("MSG|1|1|ms/probe|probe"));
          pub.publishWith().topic("ms/a").qos(MqttQos.AT_LEAST_ONCE).payload(bytes("first")).send();
          pub.publishWith().topic("ms/b").qos(MqttQos.EXACTLY_ONCE).payload(bytes("second")).send();
          assertThat(sub.exit()).isZero();
          assertThat(sub.lines()).as(version)
              .containsExactly("MSG|1|1|ms/probe|probe", "MSG|0|1|ms/a|first", "MSG|0|1|ms/b|second");
        }
      }
    }
  }

  @Test
  void mosquittoRetainedMessageRoundTrip() throws Exception {
    assumeMosquittoClients();
    try (TestBroker broker = TestBroker.start()) {
      String port = Integer.toString(broker.port());
      run(MOSQUITTO_PUB.toString(), "-h", broker.host(), "-p", port, "-q", "1", "-r", "-t", "ret/oven", "-m", "on");
      Proc sub = run(MOSQUITTO_SUB.toString(), "-h", broker.host(), "-p", port, "-V", "mqttv5", "-q", "1",
          "-t", "ret/+", "-C", "1", "-W", "10", "-F", "%r|%q|%t|%p");
      assertThat(sub.lines()).containsExactly("1|1|ret/oven|on");

      Mqtt5BlockingClient hive = Clients.v5(broker, "hive");
      List<Mqtt5Publish> got = Clients.collect(hive);
      hive.subscribeWith().topicFilter("ret/oven").qos(MqttQos.AT_LEAST_ONCE).send();
      await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
      assertThat(text(got.get(0))).isEqualTo("on");
      assertThat(got.get(0).isRetain()).isTrue();

      // Clear it with an empty retained message (-n); a new subscriber then gets nothing within its timeout.
      run(MOSQUITTO_PUB.toString(), "-h", broker.host(), "-p", port, "-q", "1", "-r", "-t", "ret/oven", "-n");
      Proc none = Proc.start(MOSQUITTO_SUB.toString(), "-h", broker.host(), "-p", port, "-q", "1",
          "-t", "ret/oven", "-C", "1", "-W", "2", "-F", "%r|%q|%t|%p");
      none.exit(); // -W: exits after 2 s without a message
      assertThat(none.lines()).noneMatch(l -> l.contains("ret/oven"));
    }
  }
}
