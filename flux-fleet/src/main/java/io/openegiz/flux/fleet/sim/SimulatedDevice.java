package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import io.openegiz.flux.telemetry.Backoff.Jitter;
import io.openegiz.flux.telemetry.Backoff;
import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated ESP32 that behaves as FR-1 asks of the firmware: telemetry at QoS 1 every interval, a retained
 * QoS 2 online status on connect and every heartbeat, a retained offline Last Will, an offline buffer of at
 * most 1000 messages, reconnects with backoff and jitter, and the equipment's commands.
 */
public final class SimulatedDevice implements MqttLink.Events {
  private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);
  private static final int KEEP_ALIVE_SECONDS = 30;

  private final DeviceSpec spec;
  private final FleetConfig config;
  private final FleetStats stats;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final SensorModel model;
  private final RandomGenerator radio;
  private final OfflineBuffer<byte[]> buffer;
  private final Backoff.Retries backoff;
  private final Instant boot;
  private final int baseRssi;
  private final CommandHandler commands;
  private final MqttLink link;
  // Guarded by this: the I/O threads (connect, loss, commands) and the scheduler (ticks) meet here.
  private boolean connected;
  private boolean everConnected;
  private boolean stopping;
  private long mqttReconnects;
  private Duration interval;
  private ScheduledFuture<?> ticker;
  private ScheduledFuture<?> heartbeat;

  SimulatedDevice(DeviceSpec spec, FleetConfig config, FleetStats stats, ScheduledExecutorService scheduler,
      Clock clock, MqttClientSslConfig ssl) {
    this.spec = spec;
    this.config = config;
    this.stats = stats;
    this.scheduler = scheduler;
    this.clock = clock;
    // The device id, not its position in the fleet, picks the stream: a device reads the same in any fleet size.
    SplittableRandom root = new SplittableRandom(config.seed() ^ (spec.deviceId().hashCode() * 0x9E3779B97F4A7C15L));
    this.model = SensorModels.create(spec, root.split());
    this.radio = root.split();
    this.backoff = new Backoff(config.backoffBase(), config.backoffCap(), Jitter.EQUAL).retries(root.split());
    this.baseRssi = -50 - radio.nextInt(30);
    this.buffer = new OfflineBuffer<>(config.bufferCapacity());
    this.boot = clock.instant();
    this.interval = config.interval();
    this.commands = new CommandHandler(this, stats);
    MqttLink.Settings settings = new MqttLink.Settings(config.host(), config.port(), spec.deviceId(),
        config.usernameOf(spec), config.password(), ssl, spec.device().statusTopic().name(), KEEP_ALIVE_SECONDS);
    this.link = MqttLink.open(config.mqttVersion(), settings, this);
  }

  /** Connects after {@code connectDelay} and starts sampling after {@code phase} (spreads a fleet's ticks). */
  synchronized void start(Duration connectDelay, Duration phase) {
    scheduler.schedule(link::start, connectDelay.toMillis(), TimeUnit.MILLISECONDS);
    ticker = scheduler.scheduleAtFixedRate(this::tick, phase.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void tick() {
    try {
      if (stopping) {
        return;
      }
      var reading = model.sample(spec, now(), metadata(), interval.toMillis() / 1000.0);
      byte[] json = Payloads.toJsonBytes(reading);
      if (connected) {
        // Anything put back after a failed send goes first, so the readings stay in order.
        flushBuffer();
        publishTelemetry(json);
      } else {
        buffer.add(json);
      }
    } catch (RuntimeException e) {
      // A failing tick must not cancel the schedule: log and keep the device alive.
      LOG.warn("{}: reading failed: {}", spec.deviceId(), e.toString());
    }
  }

  private void publishTelemetry(byte[] json) {
    stats.sent.increment();
    link.publish(spec.device().telemetryTopic().name(), json, 1, false).whenComplete((ok, error) -> {
      if (error == null) {
        stats.acked.increment();
      } else if (error instanceof com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException) {
        stats.refused.increment();
      } else {
        stats.rebuffered.increment();
        requeue(json);
      }
    });
  }

  private void requeue(byte[] json) {
    // Never resend from here: a send that fails at once would recurse. The next tick or connect sends it.
    buffer.add(json);
  }

  private void flushBuffer() {
    if (buffer.size() > 0) {
      for (byte[] json : buffer.drain()) {
        publishTelemetry(json);
      }
    }
  }

  @Override
  public synchronized void connected() {
    if (stopping) {
      link.disconnect().exceptionally(e -> null);
      return;
    }
    connected = true;
    stats.connected.incrementAndGet();
    if (everConnected) {
      mqttReconnects++;
      stats.reconnects.increment();
    }
    everConnected = true;
    backoff.reset();
    link.subscribe(spec.device().commandTopic().name()).exceptionally(e -> {
      LOG.warn("{}: cannot subscribe to its command topic: {}", spec.deviceId(), e.toString());
      return null;
    });
    publishStatus(Status.State.ONLINE);
    // Oldest first, before any new reading: the buffer keeps the order the readings were taken in.
    flushBuffer();
    long beat = config.heartbeat().toMillis();
    heartbeat = scheduler.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
  }

  @Override
  public synchronized void disconnected(Throwable cause) {
    if (connected) {
      connected = false;
      stats.connected.decrementAndGet();
      LOG.debug("{}: connection lost: {}", spec.deviceId(), String.valueOf(cause));
    } else if (!stopping) {
      stats.connectFailures.increment();
    }
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  @Override
  public synchronized long reconnectDelayMillis() {
    return stopping ? -1 : backoff.nextDelayMillis();
  }

  @Override
  public byte[] will() {
    return Payloads.toJsonBytes(Status.offline(spec.deviceId(), now()));
  }

  @Override
  public void message(String topic, byte[] payload, String responseTopic, byte[] correlationData) {
    commands.handle(topic, payload, responseTopic, correlationData);
  }

  private synchronized void heartbeat() {
    if (connected && !stopping) {
      publishStatus(Status.State.ONLINE);
    }
  }

  private CompletableFuture<Void> publishStatus(Status.State state) {
    Status status = new Status(spec.deviceId(), state, now(), diagnostics());
    return link.publish(spec.device().statusTopic().name(), Payloads.toJsonBytes(status), 2, true);
  }

  /** Applies a {@code set_interval}: the next reading comes one new interval from now. */
  synchronized void setInterval(Duration value) {
    interval = value;
    if (ticker != null && !stopping) {
      ticker.cancel(false);
      ticker = scheduler.scheduleAtFixedRate(this::tick, value.toMillis(), value.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Sends a command response on the device's response topic, or on the one the command named. */
  void respond(CommandAck ack, String responseTopic, byte[] correlationData) {
    String topic = responseTopic != null ? responseTopic : responseTopic();
    link.respond(topic, Payloads.toJsonBytes(ack), correlationData).exceptionally(e -> {
      LOG.warn("{}: command response to {} failed: {}", spec.deviceId(), topic, e.toString());
      return null;
    });
  }

  /**
   * Stops sampling; when connected, publishes a retained offline status (a clean DISCONNECT does not fire the
   * Last Will, and a stale "online" would stay retained), then disconnects.
   */
  CompletableFuture<Void> stop() {
    CompletableFuture<Void> offline;
    synchronized (this) {
      stopping = true;
      cancel(ticker);
      cancel(heartbeat);
      offline = connected ? publishStatus(Status.State.OFFLINE) : CompletableFuture.completedFuture(null);
    }
    return offline.orTimeout(2, TimeUnit.SECONDS).handle((ok, e) -> null)
        .thenCompose(ignored -> link.disconnect()).handle((ok, e) -> null);
  }

  private static void cancel(ScheduledFuture<?> task) {
    if (task != null) {
      task.cancel(false);
    }
  }

  private Metadata metadata() {
    int rssi = Math.max(-127, Math.min(0, baseRssi + (int) Math.round(2 * radio.nextGaussian())));
    return new Metadata(config.firmwareVersion(), rssi, uptimeSeconds());
  }

  private Status.Diagnostics diagnostics() {
    // The ESP32's heap shrinks with what the offline buffer holds (~350 bytes a reading).
    long freeHeap = Math.max(0, 160_000 - 350L * buffer.size() - radio.nextInt(2_000));
    return new Status.Diagnostics(freeHeap, 0, mqttReconnects, uptimeSeconds(), config.firmwareVersion());
  }

  private long uptimeSeconds() {
    return Math.max(0, Duration.between(boot, clock.instant()).toSeconds());
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  public DeviceSpec spec() {
    return spec;
  }

  public String responseTopic() {
    return ResponseTopics.of(spec.device());
  }

  public synchronized boolean isConnected() {
    return connected;
  }

  public synchronized Duration interval() {
    return interval;
  }

  public int buffered() {
    return buffer.size();
  }

  public long dropped() {
    return buffer.dropped();
  }

  public synchronized long mqttReconnects() {
    return mqttReconnects;
  }
}
