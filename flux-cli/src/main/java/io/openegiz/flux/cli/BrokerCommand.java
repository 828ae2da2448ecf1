package io.openegiz.flux.cli;

import io.openegiz.flux.broker.FluxBroker;
import io.openegiz.flux.broker.config.BrokerConfig;
import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.ConfigParser;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import sun.misc.Signal;
import picocli.CommandLine.Option;

/** {@code flux broker}: runs the MQTT broker in the foreground until SIGINT or SIGTERM. */
@Command(name = "broker", mixinStandardHelpOptions = true,
    description = {"Runs the Flux MQTT broker (MQTT 3.1.1 and 5.0) in the foreground until Ctrl-C or SIGTERM.",
        "Without -c it listens on 127.0.0.1:1883 only, plain MQTT, anonymous clients allowed."})
final class BrokerCommand implements Callable<Integer> {

  @Option(names = {"-c", "--config"}, paramLabel = "FILE",
      description = "Configuration file: mosquitto.conf syntax, see docs/configuration.md.")
  Path configFile;

  @Override
  public Integer call() throws InterruptedException {
    BrokerConfig config;
    if (configFile == null) {
      config = BrokerConfig.builder().build();
    } else {
      try {
        ConfigParser.Result parsed = ConfigParser.parse(configFile);
        parsed.warnings().forEach(w -> System.err.println("warning: " + w));
        config = parsed.config();
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        return 2;
      }
    }
    FluxBroker broker = FluxBroker.builder(config).build();
    try {
      broker.start();
    } catch (IllegalStateException e) {
      System.err.println("flux broker: " + e.getMessage());
      return 1;
    }
    CountDownLatch stop = new CountDownLatch(1);
    // Our own handlers, not a shutdown hook, so that a requested stop exits 0 after a graceful close.
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> stop.countDown());
    }
    // SIGHUP reloads what can change without a restart (TLS material), as it does for Mosquitto.
    Signal.handle(new Signal("HUP"), s -> broker.reload());
    stop.await();
    System.err.println("flux broker: stopping");
    broker.close(); // stop accepting, flush what is in hand, then close connections
    return 0;
  }
}
