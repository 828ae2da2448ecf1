package io.openegiz.flux.archiver;

import io.openegiz.flux.archiver.line.LineProtocol;
import io.openegiz.flux.archiver.line.Point;
import io.openegiz.flux.archiver.mapping.Mapped;
import io.openegiz.flux.archiver.mapping.PayloadMapper;
import io.openegiz.flux.archiver.mqtt.MqttIntake;
import io.openegiz.flux.archiver.pipeline.DeadLetters;
import io.openegiz.flux.archiver.pipeline.Pipeline;
import io.openegiz.flux.archiver.questdb.EmbeddedQuestDb;
import io.openegiz.flux.archiver.sink.InfluxV1Sink;
import io.openegiz.flux.archiver.sink.InfluxV2Sink;
import io.openegiz.flux.archiver.sink.LineSink;
import io.openegiz.flux.archiver.sink.QuestDbSink;
import io.openegiz.flux.archiver.sink.Retention;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archiver: MQTT messages in, points in QuestDB (embedded or not) or InfluxDB 1.x/2.x, each message
 * acknowledged only when its points are written or dead-lettered (docs/archive.md). {@link #start} returns once the
 * client is connecting; {@link #close} writes what is queued if the database takes it within a few seconds and
 * leaves the rest to the broker, then stops the embedded QuestDB if it started one.
 */
public final class Archiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Archiver.class);
  private final ArchiverMetrics metrics = new ArchiverMetrics();
  private final PayloadMapper mapper = new PayloadMapper();
  private final Clock clock;
  private final DeadLetters deadLetters;
  private final Pipeline pipeline;
  private final MqttIntake intake;
  private final EmbeddedQuestDb questDb;
  /** QuestDB drops a row older than its table's TTL: such a reading is dead-lettered instead; 0 = no limit. */
  private final long keepMillis;

  private Archiver(ArchiverConfig config, Clock clock, EmbeddedQuestDb questDb) throws IOException {
    this.clock = clock;
    this.questDb = questDb;
    boolean questDbTtl = config.retention() != null
        && (config.database() instanceof Database.Embedded || config.database() instanceof Database.QuestDb);
    this.keepMillis = questDbTtl ? config.retention().raw().toMillis() : 0;
    LineSink sink = sink(config.database(), questDb, config.retention());
    sink.prepare();
    this.deadLetters = new DeadLetters(config.deadLetterDir(), config.deadLetterMaxBytes(), config.deadLetterKeep(),
        clock);
    // The client first: if it cannot be built (bad TLS files), no writer thread is left keeping the JVM alive.
    this.intake = new MqttIntake(new MqttIntake.Settings(config.broker(), config.clientId(), config.topics(),
        config.username(), config.password(),
        new MqttIntake.Tls(config.cafile(), config.certfile(), config.keyfile()), config.sessionExpiry(),
        receiveMaximum(config.maxInFlight())), new MqttIntake.Receiver() {
          @Override
          public void receive(String topic, byte[] payload, Runnable ack) throws InterruptedException {
            Archiver.this.receive(topic, payload, ack);
          }

          @Override
          public void failed(String topic, byte[] payload, RuntimeException error, Runnable ack)
              throws InterruptedException {
            Archiver.this.pipeline.offer(topic, payload, List.of(), "archiver error: " + error, ack);
          }
        });
    this.pipeline = new Pipeline(sink, deadLetters, metrics, config.pipeline());
  }

  /** The one place a sink is chosen: by the config's database; the embedded QuestDB is already running. */
  private static LineSink sink(Database database, EmbeddedQuestDb questDb, Retention retention) {
    Duration timeout = Duration.ofSeconds(30);
    return switch (database) {
      case Database.Embedded e -> new QuestDbSink(questDb.httpUrl(), timeout, retention);
      case Database.QuestDb q -> new QuestDbSink(q.url(), timeout, retention);
      case Database.InfluxV1 v1 -> new InfluxV1Sink(v1.url(), v1.db(), v1.rp(), v1.user(), v1.password(), timeout,
          retention);
      case Database.InfluxV2 v2 -> new InfluxV2Sink(v2.url(), v2.org(), v2.bucket(), v2.token(), timeout,
          retention);
    };
  }

  /**
   * Starts an archiver: starts the embedded QuestDB when no other database is configured, creates the tables or
   * database if it can, opens the dead letters, connects to the broker.
   */
  public static Archiver start(ArchiverConfig config) {
    return start(config, Clock.systemUTC());
  }

  /** As {@link #start(ArchiverConfig)} with the clock that stands in for missing payload timestamps. */
  public static Archiver start(ArchiverConfig config, Clock clock) {
    EmbeddedQuestDb questDb = config.database() instanceof Database.Embedded e
        ? EmbeddedQuestDb.start(e.root(), "127.0.0.1", e.port())
        : null;
    try {
      Archiver archiver = new Archiver(config, clock, questDb);
      archiver.intake.start();
      return archiver;
    } catch (IOException e) {
      closeIfStarted(questDb);
      throw new UncheckedIOException("dead-letter directory " + config.deadLetterDir() + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeIfStarted(questDb);
      throw e;
    }
  }

  private static void closeIfStarted(EmbeddedQuestDb questDb) {
    if (questDb != null) {
      questDb.close();
    }
  }

  /** The HTTP endpoint (SQL {@code /exec}, line protocol {@code /write}) of the QuestDB it started, if it did. */
  public Optional<URI> embeddedQuestDb() {
    return Optional.ofNullable(questDb).map(EmbeddedQuestDb::httpUrl);
  }

  /**
   * The broker may send this many unacknowledged messages; a tenth of the points in flight (a thermal message makes
   * several points), within MQTT's 1..65535.
   */
  static int receiveMaximum(int maxInFlight) {
    return Math.max(1, Math.min(65_535, maxInFlight / 10));
  }

  private void receive(String topic, byte[] payload, Runnable ack) throws InterruptedException {
    Mapped mapped;
    try {
      mapped = mapper.map(topic, payload, clock.millis());
    } catch (RuntimeException e) {
      // A message that breaks the mapper must still be acknowledged, or it would hold the broker's window forever.
      LOG.error("message on {} could not be mapped; dead-lettered", topic, e);
      mapped = new Mapped.Rejected("archiver error: " + e);
    }
    List<String> lines = new ArrayList<>();
    String rejection = null;
    switch (mapped) {
      case Mapped.Points points -> {
        metrics.received(points.receiveTimeUsed());
        rejection = tooOld(points.points());
        try {
          for (Point point : rejection == null ? points.points() : List.<Point>of()) {
            lines.add(LineProtocol.line(point));
          }
        } catch (IllegalArgumentException e) {
          lines.clear();
          rejection = "cannot be written as line protocol: " + e.getMessage();
        }
      }
      case Mapped.Rejected rejected -> {
        metrics.received(false);
        rejection = rejected.reason();
      }
      case Mapped.Ignored ignored -> {
        metrics.received(false);
        metrics.ignoredOne();
      }
    }
    pipeline.offer(topic, payload, lines, rejection, ack);
  }

  /** Why the points are not written when they are older than the raw retention of a QuestDB table, or null. */
  private String tooOld(List<Point> points) {
    long oldest = clock.millis() - keepMillis;
    for (Point point : points) {
      if (keepMillis > 0 && point.timestampMillis() < oldest) {
        return "older than retention_raw (" + Instant.ofEpochMilli(point.timestampMillis()) + " is before "
            + Instant.ofEpochMilli(oldest) + "): QuestDB's TTL would drop it at once; not archived";
      }
    }
    return null;
  }

  /** The counters and gauges. */
  public ArchiverMetrics metrics() {
    return metrics;
  }

  /** Whether the MQTT client is connected now. */
  /** Seconds since the oldest message received and not yet acknowledged was received; 0 when none. */
  public double lagSeconds() {
    return pipeline.lagNanos(System.nanoTime()) / 1e9;
  }

  public boolean connected() {
    return intake.connected();
  }

  /** Whether the broker has granted the subscriptions at least once: from then on the session keeps messages. */
  public boolean subscribed() {
    return intake.subscribed();
  }

  @Override
  public void close() {
    pipeline.close(Duration.ofSeconds(5));
    intake.close();
    try {
      deadLetters.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      closeIfStarted(questDb);
    }
  }
}
