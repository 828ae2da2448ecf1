package io.openegiz.flux.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code flux broker} process started with {@code ulimit -n 256} is filled with connections: the
 * ones beyond what its descriptors allow are closed at once (never left hanging without a CONNACK), a
 * subscriber and a publisher connected before keep exchanging messages, the refusals are logged a few
 * times rather than once each, and when some connections close a new client connects again.
 */
class OpenFileLimitIT {
  private static final int OPEN_FILES = 256;
  private static final Pattern BUDGET = Pattern.compile("at most (\\d+) connections at once");

  /** Kept after the run, for a look at what the broker logged. */
  private Path log;

  @TempDir
  Path dir;

  private Process broker(int port, int openFiles, String name) throws IOException {
    log = Path.of("target", "open-file-limit-it-" + name + ".log").toAbsolutePath();
    Path conf = Files.writeString(dir.resolve("flux.conf"),
        "listener " + port + " 127.0.0.1\nallow_anonymous true\nmax_publish_rate 0\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    // ulimit -n sets the soft and the hard limit: the JVM cannot raise it again (MaxFDLimit).
    String cmd = "ulimit -n " + openFiles + " && exec \"$0\" -cp \"$1\" " + FluxCommand.class.getName()
        + " broker -c \"$2\"";
    return new ProcessBuilder("bash", "-c", cmd, java, System.getProperty("java.class.path"), conf.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private String log() throws IOException {
    return Files.readString(log);
  }

  /** An MQTT 3.1.1 CONNECT, clean session, keep alive 0 (no keep-alive timeout while the test runs). */
  private static byte[] connect(String clientId) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0});
    byte[] id = clientId.getBytes(UTF_8);
    body.write(id.length >> 8);
    body.write(id.length);
    body.writeBytes(id);
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    packet.write(0x10);
    packet.write(body.size()); // below 128: one length byte
    packet.writeBytes(body.toByteArray());
    return packet.toByteArray();
  }

  /** What became of one connection attempt. */
  private enum Outcome { ACCEPTED, CLOSED, HANGING }

  private static Outcome open(int port, String clientId, List<Socket> held) throws IOException {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
      s.setSoTimeout(3_000);
      s.getOutputStream().write(connect(clientId));
      InputStream in = s.getInputStream();
      int first = in.read();
      if (first == 0x20) { // CONNACK
        in.readNBytes(3);
        held.add(s);
        return Outcome.ACCEPTED;
      }
      s.close();
      return Outcome.CLOSED;
    } catch (SocketTimeoutException e) {
      s.close();
      return Outcome.HANGING;
    } catch (IOException e) { // reset: closed by the broker
      s.close();
      return Outcome.CLOSED;
    }
  }

  @Test
  void aBrokerAtItsOpenFileLimitRefusesNewConnectionsCleanlyAndKeepsServingItsClients() throws Exception {
    int port = FluxProcess.freePort();
    Process broker = broker(port, OPEN_FILES, "budget");
    List<Socket> held = new ArrayList<>();
    try {
      awaitListening(broker, port);
      Matcher m = BUDGET.matcher(log());
      assertThat(m.find()).as(log()).isTrue();
      int budget = Integer.parseInt(m.group(1));
      assertThat(budget).isLessThan(OPEN_FILES);

      Mqtt5BlockingClient sub = client(port, "sub");
      Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
      sub.subscribeWith().topicFilter("plant/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = client(port, "pub");

      int closed = 0;
      int hanging = 0;
      for (int i = 0; i < OPEN_FILES + 100 && closed < 30 && hanging == 0; i++) {
        Outcome o = open(port, "filler-" + i, held);
        closed += o == Outcome.CLOSED ? 1 : 0;
        hanging += o == Outcome.HANGING ? 1 : 0;
      }
      assertThat(hanging).as("connections left without CONNACK or close").isZero();
      assertThat(closed).isEqualTo(30);
      assertThat(held.size() + 2).isBetween(budget - 5, budget);

      for (int i = 0; i < 5; i++) {
        pub.publishWith().topic("plant/line-1").payload(("m" + i).getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(inbox.receive(5, TimeUnit.SECONDS)).as("message %d while full", i).isPresent();
      }
      // 30 refusals within seconds: reported once per interval, not once each
      assertThat(log().lines().filter(l -> l.contains("refusing new connections")).count()).isBetween(1L, 2L);

      for (int i = 0; i < 10; i++) {
        held.remove(held.size() - 1).close();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> open(port, "late", held) == Outcome.ACCEPTED);
      pub.publishWith().topic("plant/line-1").payload("after".getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
      assertThat(inbox.receive(5, TimeUnit.SECONDS)).isPresent();
      inbox.close();
    } finally {
      for (Socket s : held) {
        s.close();
      }
      broker.destroy();
      if (!broker.waitFor(15, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
  }

  /** A connected HiveMQ MQTT 5 client. */
  private static Mqtt5BlockingClient client(int port, String id) {
    Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(port)
        .buildBlocking();
    c.connect();
    return c;
  }

  /** Connects until a connection gets no CONNACK (it waits in the listen backlog) and returns that one. */
  private static Socket fillUntilAcceptFails(int port, List<Socket> held) throws IOException {
    for (int i = 0; i < 300; i++) {
      Socket s = new Socket();
      s.connect(new InetSocketAddress("127.0.0.1", port), 3_000);
      s.setSoTimeout(1_500);
      s.getOutputStream().write(connect("filler-" + i));
      try {
        assertThat(s.getInputStream().read()).as("CONNACK").isEqualTo(0x20);
        s.getInputStream().readNBytes(3);
        held.add(s);
      } catch (SocketTimeoutException e) {
        return s;
      }
    }
    return null;
  }

  /** CPU time the process has used, in clock ticks (utime + stime of /proc/PID/stat). */
  private static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
  }

  private void awaitListening(Process broker, int port) {
    await().atMost(Duration.ofSeconds(30)).until(() -> {
      assertThat(broker.isAlive()).as("broker exited: %s", log()).isTrue();
      return log().contains("listening for MQTT on 127.0.0.1:" + port);
    });
  }

  /**
   * The limit is lowered under the running broker (prlimit), below what its descriptor budget assumed,
   * so that accept() itself fails with EMFILE: the broker pauses accepting instead of spinning, logs it
   * once, keeps serving its clients, and accepts the connection that waited once descriptors are free.
   */
  @Test
  void whenAcceptFailsForWantOfDescriptorsTheBrokerPausesKeepsServingAndAcceptsLater() throws Exception {
    int port = FluxProcess.freePort();
    Process broker = broker(port, 1024, "emfile");
    List<Socket> held = new ArrayList<>();
    Socket waiting = null;
    try {
      awaitListening(broker, port);
      Mqtt5BlockingClient sub = client(port, "sub");
      Mqtt5BlockingClient.Mqtt5Publishes inbox = sub.publishes(MqttGlobalPublishFilter.ALL);
      sub.subscribeWith().topicFilter("plant/#").qos(MqttQos.AT_LEAST_ONCE).send();
      Mqtt5BlockingClient pub = client(port, "pub");
      Process lower = new ProcessBuilder("prlimit", "--pid", String.valueOf(broker.pid()), "--nofile=200:200")
          .redirectErrorStream(true).start();
      assertThat(lower.waitFor(10, TimeUnit.SECONDS) && lower.exitValue() == 0)
          .as(new String(lower.getInputStream().readAllBytes(), UTF_8)).isTrue();

      waiting = fillUntilAcceptFails(port, held);
      assertThat(waiting).as("accept failed at some point").isNotNull();
      assertThat(held.size()).isLessThan(200);

      long cpu = cpuTicks(broker.pid());
      for (int i = 0; i < 5; i++) {
        pub.publishWith().topic("plant/line-1").payload(("m" + i).getBytes(UTF_8)).qos(MqttQos.AT_LEAST_ONCE).send();
        assertThat(inbox.receive(5, TimeUnit.SECONDS)).as("message %d at EMFILE", i).isPresent();
      }
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(broker::isAlive);
      // a boss loop retrying accept() at once would burn a core: 3 s of it would be about 300 ticks
      assertThat(cpuTicks(broker.pid()) - cpu).as("CPU ticks at EMFILE").isLessThan(100);
      assertThat(log().lines().filter(l -> l.contains("Too many open files")).count()).as(log()).isBetween(1L, 2L);

      for (int i = 0; i < 20; i++) {
        held.remove(held.size() - 1).close();
      }
      waiting.setSoTimeout(10_000);
      assertThat(waiting.getInputStream().read()).as("CONNACK once descriptors are free").isEqualTo(0x20);
      client(port, "late").disconnect();
      inbox.close();
    } finally {
      if (waiting != null) {
        waiting.close();
      }
      for (Socket s : held) {
        s.close();
      }
      broker.destroy();
      if (!broker.waitFor(15, TimeUnit.SECONDS)) {
        broker.destroyForcibly();
      }
    }
  }
}
