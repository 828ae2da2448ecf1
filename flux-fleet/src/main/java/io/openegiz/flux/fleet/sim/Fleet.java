package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Collectors;

/** A running fleet of simulated ESP32s against one broker; close it to stop every device cleanly. */
public final class Fleet implements AutoCloseable {
  private final FleetConfig config;
  private final FleetStats stats;
  private final ScheduledExecutorService scheduler;
  private final List<SimulatedDevice> devices;
  private final Map<String, SimulatedDevice> byId;
  private final Clock clock;
  private final Instant started;
  private final AtomicBoolean closed = new AtomicBoolean();

  private Fleet(FleetConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
    this.stats = new FleetStats();
    // TLS files first: a missing certificate stops the start before any thread exists.
    List<DeviceSpec> specs = FleetLayout.plan(config.factory(), config.mix(), config.devices());
    Map<String, MqttClientSslConfig> ssl = config.tls() == null
        ? Map.of()
        : config.tls().toSslConfigs(specs.stream().map(DeviceSpec::deviceId).toList());
    // Sampling and serialising are cheap; two threads carry a thousand devices at 1 Hz.
    this.scheduler = Executors.newScheduledThreadPool(2, Thread.ofPlatform().name("fleet-", 0).daemon().factory());
    this.devices = new ArrayList<>();
    for (DeviceSpec spec : specs) {
      devices.add(new SimulatedDevice(spec, config, stats, scheduler, clock, ssl.get(spec.deviceId())));
    }
    this.byId = devices.stream().collect(Collectors.toMap(d -> d.spec().deviceId(), Function.identity()));
    this.started = clock.instant();
  }

  /** Creates the devices and starts them, connections spread at the configured connect rate. */
  public static Fleet start(FleetConfig config) {
    return start(config, Clock.systemUTC());
  }

  static Fleet start(FleetConfig config, Clock clock) {
    Fleet fleet = new Fleet(config, clock);
    fleet.startDevices();
    return fleet;
  }

  private void startDevices() {
    SplittableRandom phases = new SplittableRandom(config.seed());
    long intervalMillis = config.interval().toMillis();
    for (int i = 0; i < devices.size(); i++) {
      Duration connectDelay = Duration.ofMillis(i * 1000L / config.connectRate());
      // Random phases: a thousand devices at 1 Hz publish evenly, not in one burst each second.
      Duration phase = Duration.ofMillis(phases.nextLong(intervalMillis));
      devices.get(i).start(connectDelay, phase);
    }
  }

  /** The counters now. */
  public FleetSnapshot snapshot() {
    long buffered = 0;
    long dropped = 0;
    for (SimulatedDevice d : devices) {
      buffered += d.buffered();
      dropped += d.dropped();
    }
    return new FleetSnapshot(Duration.between(started, clock.instant()), devices.size(), stats.connected.get(),
        stats.sent.sum(), stats.acked.sum(), stats.refused.sum(), buffered, dropped, stats.reconnects.sum(),
        stats.connectFailures.sum(), stats.commands.sum(), stats.commandsRejected.sum());
  }

  public List<SimulatedDevice> devices() {
    return List.copyOf(devices);
  }

  /** The device with {@code deviceId}, e.g. {@code esp32-oven001-elec}. */
  public SimulatedDevice device(String deviceId) {
    SimulatedDevice d = byId.get(deviceId);
    if (d == null) {
      throw new IllegalArgumentException("no device " + deviceId + " in this fleet");
    }
    return d;
  }

  public FleetConfig config() {
    return config;
  }

  /** Stops every device: a retained offline status from each connected one, then DISCONNECT. */
  @Override
  public void close() {
    if (closed.getAndSet(true)) {
      return;
    }
    List<CompletableFuture<Void>> stops = devices.stream().map(SimulatedDevice::stop).toList();
    try {
      CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).orTimeout(10, TimeUnit.SECONDS).join();
    } catch (RuntimeException e) {
      // A device that cannot say goodbye in time is left to its Last Will.
    }
    scheduler.shutdownNow();
  }
}
