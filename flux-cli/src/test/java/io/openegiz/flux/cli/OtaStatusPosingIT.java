package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.ConfigParser;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code flux ota status} when one device's status names another's device_id: the ACL binds a device to its status
 * topic, not to the id inside, so the table alone would show the poser's word for the victim (e.g. a forged
 * {@code confirmed}). It says which device_id came from two topics. HiveMQ clients, a Flux broker.
 */
class OtaStatusPosingIT {
  private static final String VICTIM_TOPIC = "openegiz/factory-a/oven/oven-001/electrical/status";
  private static final String POSER_TOPIC = "openegiz/factory-a/mixer/mixer-001/electrical/status";

  @Test
  void aDeviceIdSeenOnTwoTopicsIsReported() throws Exception {
    try (FluxBroker broker = FluxBroker.builder(ConfigParser.parse("flux.conf", List.of("listener 0 127.0.0.1",
        "allow_anonymous true")).config()).build().start()) {
      int port = broker.port();
      publish(port, "victim", VICTIM_TOPIC, null);
      publish(port, "poser", POSER_TOPIC, new Status.Ota("ota-1.3.0-x-0", Status.Ota.State.CONFIRMED, "1.3.0",
          "kept"));
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = new CommandLine(new FluxCommand());
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      assertThat(cl.execute("ota", "status", "--port", Integer.toString(port), "--wait", "1")).isZero();
      assertThat(err.toString()).contains("flux ota status: esp32-oven001-elec: statuses from " + POSER_TOPIC
          + " and " + VICTIM_TOPIC + "; a device may be posing as another");
    }
  }

  /** A retained status of esp32-oven001-elec on {@code topic}, as a device publishes it. */
  private static void publish(int port, String clientId, String topic, Status.Ota ota) {
    Mqtt5BlockingClient c = MqttClient.builder().useMqttVersion5().identifier(clientId).serverHost("127.0.0.1")
        .serverPort(port).buildBlocking();
    c.connect();
    Status s = new Status("esp32-oven001-elec", Status.State.ONLINE, Instant.now(),
        new Status.Diagnostics(180_000, 0, 0, 5, "1.2.0"), ota);
    c.publishWith().topic(topic).qos(MqttQos.AT_LEAST_ONCE).retain(true)
        .payload(Payloads.toJson(s).getBytes(StandardCharsets.UTF_8)).send();
    c.disconnect();
  }
}
