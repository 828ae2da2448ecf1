package io.openegiz.flux.archiver.pipeline;

import io.openegiz.flux.archiver.ArchiverMetrics;
import io.openegiz.flux.archiver.sink.LineSink;
import io.openegiz.flux.archiver.sink.WriteResult;
import io.openegiz.flux.telemetry.Backoff.Jitter;
import io.openegiz.flux.telemetry.Backoff;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * From received messages to acknowledged ones, on one writer thread (FR-4.4, FR-4.5): batches of up to
 * {@code batchSize} points, flushed after {@code batchInterval} or when no message came for {@code batchIdle};
 * at most {@code maxInFlight} points held, after which {@link #offer} blocks and the archiver reads no more from
 * the broker. A message is acknowledged only after every point made from it is written or dead-lettered, in the
 * order the messages arrived; a failing database is retried forever, so nothing is dropped and order is kept.
 */
public final class Pipeline implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
  private static final Duration FIRST_RETRY = Duration.ofMillis(100);

  private final LineSink sink;
  private final DeadLetters deadLetters;
  private final ArchiverMetrics metrics;
  private final int batchSize;
  private final long intervalNanos;
  private final long idleNanos;
  private final int maxInFlight;
  private final Semaphore permits;
  private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
  private final Backoff.Retries backoff;
  private final Thread writer;
  private volatile boolean stopping;
  private volatile boolean draining;
  private final Outage outage = new Outage();
  private volatile Pending carried;
  /** Receipt of the first message of the batch being written; 0 between batches. */
  private volatile long batchOldestNanos;

  /** The settings of a pipeline; see docs/archive.md for the keys. */
  public record Settings(int batchSize, Duration batchInterval, Duration batchIdle, int maxInFlight,
      Duration retryMax) {
  }

  /** Starts the writer thread. */
  public Pipeline(LineSink sink, DeadLetters deadLetters, ArchiverMetrics metrics, Settings settings) {
    this.sink = sink;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.batchSize = settings.batchSize();
    this.intervalNanos = settings.batchInterval().toNanos();
    this.idleNanos = settings.batchIdle().toNanos();
    this.maxInFlight = settings.maxInFlight();
    this.permits = new Semaphore(maxInFlight);
    // 100 ms, doubling up to retry_max; equal jitter: never a retry at once against a failing database
    Duration first = settings.retryMax().compareTo(FIRST_RETRY) < 0 ? settings.retryMax() : FIRST_RETRY;
    this.backoff = new Backoff(first, settings.retryMax(), Jitter.EQUAL).retries(new SplittableRandom());
    this.writer = Thread.ofPlatform().name("flux-archiver-writer").unstarted(this::run);
    writer.start();
  }

  /**
   * Queues one message, blocking while {@code maxInFlight} points are held (backpressure: the caller is the MQTT
   * intake, which then stops taking messages from the broker).
   *
   * @return false when the pipeline is closing; the message is then not acknowledged and comes back later
   */
  public boolean offer(String topic, byte[] payload, List<String> lines, String rejection, Runnable ack)
      throws InterruptedException {
    int need = Math.min(maxInFlight, Math.max(1, lines.size()));
    while (!permits.tryAcquire(need, 100, TimeUnit.MILLISECONDS)) {
      if (stopping) {
        return false;
      }
    }
    if (stopping) {
      permits.release(need);
      return false;
    }
    metrics.inFlight(lines.size());
    queue.add(new Pending(topic, payload, List.copyOf(lines), rejection, ack, need, System.nanoTime()));
    return true;
  }

  private void run() {
    try {
      while (!stopping || (draining && (carried != null || !queue.isEmpty()))) {
        List<Pending> batch = nextBatch();
        if (!batch.isEmpty()) {
          deliver(batch);
        }
        if (carried == null && queue.isEmpty()) {
          outage.caughtUp(metrics.pointsWritten());
        }
      }
    } catch (InterruptedException e) {
      // close(): what is not acknowledged comes back from the broker's session.
      Thread.currentThread().interrupt();
    }
  }

  private List<Pending> nextBatch() throws InterruptedException {
    List<Pending> batch = new ArrayList<>();
    Pending first = carried != null ? carried : queue.poll(100, TimeUnit.MILLISECONDS);
    carried = null;
    if (first == null) {
      return batch;
    }
    batch.add(first);
    int points = first.lines().size();
    long deadline = System.nanoTime() + intervalNanos;
    while (points < batchSize) {
      long wait = Math.min(deadline - System.nanoTime(), idleNanos);
      Pending next = wait <= 0 ? queue.poll() : queue.poll(wait, TimeUnit.NANOSECONDS);
      if (next == null) {
        break;
      }
      if (points + next.lines().size() > batchSize) {
        carried = next;
        break;
      }
      batch.add(next);
      points += next.lines().size();
    }
    return batch;
  }

  /**
   * Age at {@code nowNanos} of the oldest message received and not yet acknowledged, 0 when none: messages are
   * acknowledged in order, so it is the batch being written, else the one carried over, else the queue's head.
   */
  public long lagNanos(long nowNanos) {
    long oldest = batchOldestNanos;
    Pending waiting = carried;
    if (oldest == 0 && waiting == null) {
      waiting = queue.peek();
    }
    if (oldest == 0 && waiting != null) {
      oldest = waiting.receivedNanos();
    }
    return oldest == 0 ? 0 : Math.max(0, nowNanos - oldest);
  }

  private void deliver(List<Pending> batch) throws InterruptedException {
    long start = System.nanoTime();
    batchOldestNanos = batch.get(0).receivedNanos();
    metrics.batchStarted(start);
    List<Line> lines = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      for (String text : batch.get(i).lines()) {
        lines.add(new Line(text, i));
      }
    }
    List<Refused> refused = new ArrayList<>();
    if (!lines.isEmpty()) {
      write(lines, refused);
    }
    while (true) {
      try {
        writeDeadLetters(batch, refused);
        break;
      } catch (IOException | RuntimeException e) {
        // A full or failing disk must not lose a record nor let its message be acknowledged: keep trying.
        // A retried batch may repeat records that were written before the failure.
        metrics.retried();
        Duration wait = backoff.next();
        LOG.error("dead-letter file failed ({}); retrying in {} ms, nothing acknowledged", e.toString(),
            wait.toMillis());
        TimeUnit.MILLISECONDS.sleep(wait.toMillis());
      }
    }
    for (Pending p : batch) {
      try {
        p.ack().run();
      } catch (RuntimeException e) {
        // The writer must outlive any one message: if it stopped, no message would be acknowledged again.
        LOG.error("acknowledging a message on {} failed: {}", p.topic(), e.toString(), e);
      }
      permits.release(p.permits());
      metrics.inFlight(-p.lines().size());
    }
    metrics.batchDone(batch.size(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    batchOldestNanos = 0;
  }

  private void writeDeadLetters(List<Pending> batch, List<Refused> refused) throws IOException {
    for (Pending p : batch) {
      if (p.rejection() != null) {
        deadLetters.write(p.topic(), p.payload(), p.rejection(), null);
        metrics.deadLettered(ArchiverMetrics.DeadLetter.of(p.rejection()));
      }
    }
    for (Refused r : refused) {
      Pending p = batch.get(r.line().message());
      deadLetters.write(p.topic(), p.payload(), "database refused the point: " + r.error(), r.line().text());
      metrics.deadLettered(ArchiverMetrics.DeadLetter.REFUSED);
    }
    deadLetters.sync();
  }

  /** Writes lines until the database has taken each of them or refused it for good (then in {@code refused}). */
  private void write(List<Line> lines, List<Refused> refused) throws InterruptedException {
    while (true) {
      WriteResult result;
      try {
        result = sink.write(lines.stream().map(Line::text).toList());
      } catch (RuntimeException e) {
        // A bug of the sink is retried like an outage, not allowed to stop the writer (nothing would be acked).
        LOG.error("writing a batch failed: {}", e.toString(), e);
        result = new WriteResult.Retry("write failed: " + e, null);
      }
      switch (result) {
        case WriteResult.Written w -> {
          backoff.reset();
          metrics.written(lines.size());
          outage.written(metrics.pointsWritten(), metrics.pointsInFlight());
          return;
        }
        case WriteResult.TooLarge t -> {
          if (lines.size() == 1) {
            refused.add(new Refused(lines.getFirst(), "413: the line alone is larger than the database accepts"));
          } else {
            halves(lines, refused);
          }
          return;
        }
        case WriteResult.Rejected r -> {
          // 400/422: bisect down to the refused lines; the good ones are written (again, idempotently).
          if (lines.size() == 1) {
            refused.add(new Refused(lines.getFirst(), r.status() + " " + r.error()));
          } else {
            halves(lines, refused);
          }
          return;
        }
        case WriteResult.Retry retry -> waitToRetry(retry);
      }
    }
  }

  private void halves(List<Line> lines, List<Refused> refused) throws InterruptedException {
    int half = lines.size() / 2;
    write(lines.subList(0, half), refused);
    write(lines.subList(half, lines.size()), refused);
  }

  private void waitToRetry(WriteResult.Retry retry) throws InterruptedException {
    metrics.retried();
    Duration wait = retry.retryAfter() != null ? retry.retryAfter() : backoff.next();
    outage.failed(retry.why(), wait, metrics.pointsInFlight());
    if (stopping && !draining) {
      throw new InterruptedException("closing");
    }
    TimeUnit.MILLISECONDS.sleep(wait.toMillis());
  }

  /**
   * Stops: the messages already queued are written and acknowledged if the database takes them within
   * {@code drain}; the rest are left unacknowledged for the broker to send again.
   */
  public void close(Duration drain) {
    draining = !drain.isZero();
    stopping = true;
    try {
      writer.join(drain.toMillis() + 1);
      if (writer.isAlive()) {
        draining = false;
        writer.interrupt();
        writer.join();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      writer.interrupt();
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(5));
  }

  private record Line(String text, int message) {
  }

  private record Refused(Line line, String error) {
  }
}
