package io.openegiz.flux.archiver.it;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.archiver.Progress;
import io.openegiz.flux.archiver.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * An archiver in a JVM of its own, from a config file, for tests that kill it with SIGKILL or read its log: the
 * progress line of {@code flux archive} goes to stdout once a second.
 */
public final class ArchiverProcess {

  private ArchiverProcess() {
  }

  public static void main(String[] args) throws IOException {
    Archiver archiver = Archiver.start(ArchiverConfig.parse(ArchiverConfig.read(Path.of(args[0]))));
    Progress progress = new Progress();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    timer.scheduleAtFixedRate(() -> System.out.println(progress.line(archiver.metrics())), 1, 1, TimeUnit.SECONDS);
  }

  /** Writes {@code settings} as an archiver config file. */
  static Path writeConfig(Path file, List<Setting> settings) throws IOException {
    return Files.writeString(file, settings.stream().map(s -> s.key() + " " + s.value())
        .collect(Collectors.joining("\n", "", "\n")));
  }

  /** Starts an archiver process on {@code conf}; its log and progress lines go to {@code log}. */
  static Process start(Path conf, Path log) throws IOException {
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), ArchiverProcess.class.getName(), conf.toString());
    return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  /** The archiver's persistent session exists before a fleet starts, so the broker keeps every message for it. */
  static void openSession(int port) {
    Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("flux-archiver")
        .serverHost("127.0.0.1").serverPort(port).buildBlocking();
    client.connectWith().cleanStart(false).sessionExpiryInterval(3600).send();
    client.subscribeWith().topicFilter("openegiz/#").qos(MqttQos.AT_LEAST_ONCE).send();
    client.disconnect();
  }
}
