package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.bench.MqttVersion;
import io.openegiz.flux.fleet.sim.DeviceCertificates;
import io.openegiz.flux.fleet.sim.FleetConfig;
import io.openegiz.flux.fleet.sim.FleetRunner;
import io.openegiz.flux.fleet.sim.SensorMix;
import io.openegiz.flux.fleet.sim.TlsSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code flux fleet}: simulated ESP32 sensors that behave as the firmware must (FR-1). */
@Command(name = "fleet", mixinStandardHelpOptions = true,
    description = {"Runs N simulated ESP32 sensors against an MQTT broker until the duration ends or Ctrl-C.",
        "Telemetry at QoS 1, retained status at QoS 2 with a Last Will, heartbeat, offline buffer, reconnect with",
        "backoff, set_interval and ota commands. Progress on stderr. See docs/fleet.md."})
final class FleetCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;
  @Option(names = "--host", defaultValue = "127.0.0.1", description = "Broker host (default: ${DEFAULT-VALUE}).")
  String host;
  @Option(names = "--port", description = "Broker port (default: 1883, or 8883 with TLS).")
  Integer port;
  @Option(names = "--devices", defaultValue = "5", description = "Simulated devices (default: ${DEFAULT-VALUE}).")
  int devices;
  @Option(names = "--interval", defaultValue = "1", paramLabel = "SECONDS",
      description = "Telemetry interval, 1..60 s (FR-1.4) (default: ${DEFAULT-VALUE}).")
  int interval;
  @Option(names = "--rate", paramLabel = "HZ",
      description = "Readings per second per device, up to 10; overrides --interval.")
  Double rate;
  @Option(names = "--duration", paramLabel = "SECONDS", description = "Run time; without it, until Ctrl-C.")
  Integer duration;
  @Option(names = "--factory", defaultValue = "factory-a",
      description = "factory_id level (default: ${DEFAULT-VALUE}).")
  String factory;
  @Option(names = "--mix", defaultValue = "electrical=2,thermal=2,environmental=1",
      description = "Proportions of sensor kinds (default: ${DEFAULT-VALUE}).")
  String mix;
  @Option(names = "--seed", defaultValue = "1",
      description = "Seed of the readings; same seed, same sequence (default: ${DEFAULT-VALUE}).")
  long seed;
  @Option(names = "--mqtt", defaultValue = "5", description = "5 or 3.1.1 (default: ${DEFAULT-VALUE}).")
  String mqtt;
  @Option(names = "--heartbeat", defaultValue = "60", paramLabel = "SECONDS",
      description = "Online status heartbeat (FR-1.9) (default: ${DEFAULT-VALUE}).")
  int heartbeat;
  @Option(names = "--buffer", defaultValue = "1000",
      description = "Readings kept while offline or while the broker's window is full (FR-1.7) (default: "
          + "${DEFAULT-VALUE}).")
  int buffer;
  @Option(names = "--backoff-max", defaultValue = "30", paramLabel = "SECONDS",
      description = "Longest reconnect delay (default: ${DEFAULT-VALUE}).")
  int backoffMax;
  @Option(names = "--connect-rate", defaultValue = "200",
      description = "New connections per second at start (default: ${DEFAULT-VALUE}).")
  int connectRate;
  @Option(names = "--tls",
      description = "Use TLS with the JVM's trusted CAs (implied by --cafile, --cert or --cert-dir).")
  boolean tls;
  @Option(names = "--cafile", description = "PEM CA certificates that sign the broker's certificate.")
  Path cafile;
  @Option(names = "--cert", description = "PEM client certificate, for X.509 authentication (FR-1.3).")
  Path cert;
  @Option(names = "--key", description = "PEM private key of --cert (PKCS#8, PKCS#1 or SEC1, unencrypted).")
  Path key;
  @Option(names = "--cert-dir", paramLabel = "DIR",
      description = "Directory written by flux certs: each device presents DIR/devices/<device_id>.crt/.key and"
          + " trusts DIR/ca.crt unless --cafile is given.")
  Path certDir;
  @Option(names = "--insecure", description = "Do not check the broker's host name against its certificate.")
  boolean insecure;
  @Option(names = "--username", description = "One username for every device (default: each device's device_id).")
  String username;
  @Option(names = "--password", description = "Password of every device; prefer --password-file.")
  String password;
  @Option(names = "--password-file", description = "File whose first line is the password.")
  Path passwordFile;
  @Option(names = "--progress", defaultValue = "2", paramLabel = "SECONDS",
      description = "Seconds between progress lines on stderr (default: ${DEFAULT-VALUE}).")
  int progress;

  @Override
  public Integer call() throws Exception {
    FleetConfig config = config();
    FleetRunner runner = new FleetRunner();
    Thread hook = new Thread(() -> {
      try {
        runner.requestStop(Duration.ofSeconds(15));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "fleet-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      runner.run(config, duration == null ? null : Duration.ofSeconds(duration), Duration.ofSeconds(progress),
          System.err);
    } catch (IllegalArgumentException e) {
      // The fleet checks its TLS files before it starts (e.g. a device without its certificate): a message
      // that says which file and how to make it helps more than a stack trace.
      System.err.println("flux fleet: " + e.getMessage());
      return 1;
    } finally {
      removeHook(hook);
    }
    return 0;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // Already shutting down (Ctrl-C): the hook is running.
    }
  }

  FleetConfig config() throws IOException {
    boolean useTls = tls || cafile != null || cert != null || certDir != null;
    int brokerPort = port != null ? port : useTls ? 8883 : 1883;
    try {
      TlsSettings tlsSettings = !useTls
          ? null
          : certDir != null
              ? new TlsSettings(cafile, cert, key, insecure, new DeviceCertificates(certDir))
              : new TlsSettings(cafile, cert, key, insecure);
      return FleetConfig.defaults(host, brokerPort, devices)
          .withInterval(interval())
          .withIdentity(factory, SensorMix.parse(mix), seed)
          .withMqttVersion(MqttVersion.parse(mqtt))
          .withTiming(Duration.ofSeconds(heartbeat), Duration.ofSeconds(1), Duration.ofSeconds(backoffMax))
          .withConnectRate(connectRate)
          .withBuffer(buffer)
          .withSecurity(tlsSettings, username, password());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  private Duration interval() {
    if (rate != null) {
      if (rate <= 0 || rate > 10) {
        throw new ParameterException(spec.commandLine(), "--rate must be above 0 and at most 10 Hz, not " + rate);
      }
      return Duration.ofMillis(Math.round(1000 / rate));
    }
    if (interval < 1 || interval > 60) {
      throw new ParameterException(spec.commandLine(), "--interval must be 1..60 seconds (FR-1.4), not " + interval);
    }
    return Duration.ofSeconds(interval);
  }

  private String password() throws IOException {
    if (passwordFile == null) {
      return password;
    }
    if (password != null) {
      throw new ParameterException(spec.commandLine(), "give --password or --password-file, not both");
    }
    return Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
  }
}
