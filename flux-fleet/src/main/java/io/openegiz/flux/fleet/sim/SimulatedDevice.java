package io.openegiz.flux.fleet.sim;

import com.hivemq.client.mqtt.MqttClientSslConfig;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5MessageException;
import io.openegiz.flux.telemetry.Backoff;
import io.openegiz.flux.telemetry.Backoff.Jitter;
import io.openegiz.flux.telemetry.Metadata;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One simulated ESP32 that behaves as FR-1 asks of the firmware: telemetry at QoS 1 every interval, a retained
 * QoS 2 online status on connect and every heartbeat, a retained offline Last Will, an offline buffer of at
 * most 1000 messages, reconnects with backoff and jitter, and the equipment's commands.
 *
 * <p>Threads: the fleet's scheduler samples and sends; the MQTT client's event loop reports connects, losses,
 * commands and acknowledgements. The HiveMQ client's {@code publish} blocks its caller once the broker's window and
 * 64 more publishes are taken, and only the event loop frees them. So a device hands the client at most
 * {@link #MAX_IN_FLIGHT} publishes (fewer if the broker's receive maximum is smaller), only from the scheduler, with
 * no lock held; each acknowledgement wakes the scheduler to send the next. Whatever does not fit waits in the
 * {@link Outbox}. A device whose broker stops reading then only fills its own buffer; the others carry on.
 */
public final class SimulatedDevice implements MqttLink.Events {
  /** Publishes of one device the client holds at most, well under the 64 beyond the window where it blocks. */
  static final int MAX_IN_FLIGHT = 32;

  /**
   * The device's window on a connection whose broker takes {@code receiveMaximum} unacknowledged publishes. One slot
   * stays free for a status: the client completes a QoS 2 publish at PUBREC but keeps its slot until PUBCOMP, and a
   * publish handed to it while every slot is taken waits in its queue, which it does not drain again when the
   * PUBCOMP frees the slot (read in HiveMQ client 1.3.7's {@code MqttOutgoingQosHandler}): the device would stall.
   */
  static int window(int receiveMaximum) {
    return Math.max(1, Math.min(receiveMaximum - 1, MAX_IN_FLIGHT));
  }

  private static final Logger LOG = LoggerFactory.getLogger(SimulatedDevice.class);
  private static final int KEEP_ALIVE_SECONDS = 30;

  private final DeviceSpec spec;
  private final FleetConfig config;
  private final FleetStats stats;
  private final ScheduledExecutorService scheduler;
  private final Clock clock;
  private final SensorModel model;
  private final RandomGenerator radio;
  private final Outbox outbox;
  private final Backoff.Retries backoff;
  private final Instant boot;
  private final int baseRssi;
  private final CommandHandler commands;
  private final MqttLink link;
  private final AtomicLong readingsTaken = new AtomicLong();
  // Sends requested and not yet served: one drain at a time per device keeps the readings in order.
  private final AtomicInteger sendRequests = new AtomicInteger();
  // Guarded by this: the I/O threads (connect, loss, commands) and the scheduler (ticks) meet here. Never held
  // while calling the link.
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
    this.outbox = new Outbox(spec.device().telemetryTopic().name(), spec.device().statusTopic().name(),
        config.bufferCapacity());
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

  private void tick() {
    try {
      byte[] json;
      synchronized (this) {
        if (stopping) {
          return;
        }
        json = Payloads.toJsonBytes(model.sample(spec, now(), metadata(), interval.toMillis() / 1000.0));
      }
      readingsTaken.incrementAndGet();
      // Behind anything older that waits (offline, or the window full), so the readings stay in order.
      outbox.addReading(json);
      send();
    } catch (RuntimeException e) {
      // A failing tick must not cancel the schedule: log and keep the device alive.
      LOG.warn("{}: reading failed: {}", spec.deviceId(), e.toString());
    }
  }

  /** Asks the scheduler to hand the client what fits in the window; safe from any thread, never blocks. */
  private void send() {
    if (sendRequests.getAndIncrement() == 0) {
      try {
        scheduler.execute(this::drain);
      } catch (RejectedExecutionException e) {
        // The fleet has stopped: nothing more goes out.
        sendRequests.set(0);
      }
    }
  }

  /** On the scheduler, one at a time per device: publishes while the outbox hands something out. */
  private void drain() {
    int missed = 1;
    do {
      for (Outbox.Outgoing out = outbox.next(); out != null; out = outbox.next()) {
        publish(out);
      }
      missed = sendRequests.addAndGet(-missed);
    } while (missed != 0);
  }

  private void publish(Outbox.Outgoing out) {
    CompletableFuture<Void> sent = switch (out.kind()) {
      case TELEMETRY -> {
        stats.sent.increment();
        yield link.publish(out.topic(), out.payload(), 1, false);
      }
      case STATUS -> link.publish(out.topic(), out.payload(), 2, true);
      case RESPONSE -> link.respond(out.topic(), out.payload(), out.correlationData());
    };
    sent.whenComplete((ok, error) -> completed(out, error));
  }

  /** On the client's event loop (or at once when the client refuses): count, and wake the scheduler. */
  private void completed(Outbox.Outgoing out, Throwable failure) {
    outbox.done(out);
    Throwable error = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause()
        : failure;
    if (out.kind() == Outbox.Kind.TELEMETRY) {
      if (error == null) {
        stats.acked.increment();
      } else if (error instanceof Mqtt5MessageException) {
        stats.refused.increment();
      } else {
        stats.rebuffered.increment();
        outbox.putBack(out.payload());
      }
    } else if (error != null) {
      LOG.warn("{}: {} to {} failed: {}", spec.deviceId(), out.kind(), out.topic(), error.toString());
    }
    if (error == null) {
      // The freed slot takes the next message. After a failure the next connect or tick sends: no busy loop.
      send();
    }
  }

  @Override
  public void connected(int receiveMaximum) {
    // The client's event loop: state only, no publish; the scheduler sends.
    boolean stop;
    synchronized (this) {
      stop = stopping;
      if (!stop) {
        connected = true;
        stats.connected.incrementAndGet();
        if (everConnected) {
          mqttReconnects++;
          stats.reconnects.increment();
        }
        everConnected = true;
        backoff.reset();
        // Online first, then the buffer oldest first, before any new reading.
        outbox.open(window(receiveMaximum), statusJson(Status.State.ONLINE));
        long beat = config.heartbeat().toMillis();
        heartbeat = scheduler.scheduleAtFixedRate(this::heartbeat, beat, beat, TimeUnit.MILLISECONDS);
      }
    }
    if (stop) {
      link.disconnect().exceptionally(e -> null);
      return;
    }
    scheduler.execute(this::subscribeCommands);
    send();
  }

  private void subscribeCommands() {
    if (isConnected()) {
      link.subscribe(spec.device().commandTopic().name()).exceptionally(e -> {
        LOG.warn("{}: cannot subscribe to its command topic: {}", spec.deviceId(), e.toString());
        return null;
      });
    }
  }

  @Override
  public synchronized void disconnected(Throwable cause) {
    outbox.close();
    if (connected) {
      connected = false;
      stats.connected.decrementAndGet();
      LOG.debug("{}: connection lost: {}", spec.deviceId(), String.valueOf(cause));
    } else if (!stopping) {
      stats.connectFailures.increment();
    }
    cancel(heartbeat);
    heartbeat = null;
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

  private void heartbeat() {
    byte[] json;
    synchronized (this) {
      if (!connected || stopping) {
        return;
      }
      json = statusJson(Status.State.ONLINE);
    }
    outbox.status(json);
    send();
  }

  private synchronized byte[] statusJson(Status.State state) {
    return Payloads.toJsonBytes(new Status(spec.deviceId(), state, now(), diagnostics()));
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
    if (outbox.respond(topic, Payloads.toJsonBytes(ack), correlationData)) {
      send();
    } else {
      LOG.warn("{}: command response to {} dropped: {} responses wait already", spec.deviceId(), topic,
          Outbox.MAX_RESPONSES);
    }
  }

  /**
   * Stops sampling; when connected, publishes a retained offline status (a clean DISCONNECT does not fire the
   * Last Will, and a stale "online" would stay retained), then disconnects.
   */
  CompletableFuture<Void> stop() {
    boolean wasConnected;
    synchronized (this) {
      stopping = true;
      cancel(ticker);
      cancel(heartbeat);
      wasConnected = connected;
    }
    outbox.close();
    // One publish beyond the device's window: the client still takes it without blocking.
    CompletableFuture<Void> offline = wasConnected
        ? link.publish(spec.device().statusTopic().name(), statusJson(Status.State.OFFLINE), 2, true)
        : CompletableFuture.completedFuture(null);
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
    long freeHeap = Math.max(0, 160_000 - 350L * outbox.buffered() - radio.nextInt(2_000));
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

  /** Readings sampled since start, sent or not. */
  public long readingsTaken() {
    return readingsTaken.get();
  }

  /** Readings waiting to be handed to the client: while offline, or while the broker's window is full. */
  public int buffered() {
    return outbox.buffered();
  }

  public long dropped() {
    return outbox.dropped();
  }

  public synchronized long mqttReconnects() {
    return mqttReconnects;
  }
}
