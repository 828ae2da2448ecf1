package io.openegiz.flux.archiver;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {
  private final AtomicLong nanos = new AtomicLong(TimeUnit.SECONDS.toNanos(100));
  private final ArchiverMetrics metrics = new ArchiverMetrics();
  private final Progress progress = new Progress(nanos::get);

  private void advance(long millis) {
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
  }

  @Test
  void ratesOverTheIntervalAndTheGaugesNow() {
    for (int i = 0; i < 1_600; i++) {
      metrics.received(false);
    }
    metrics.inFlight(4_000);
    metrics.written(3_000);
    metrics.inFlight(-3_000);
    metrics.retried();
    metrics.deadLettered(ArchiverMetrics.DeadLetter.REFUSED);
    metrics.batchStarted(nanos.get());
    metrics.batchDone(1_500, 14);
    advance(2_000);
    assertThat(progress.line(metrics)).isEqualTo(
        "archive: 800 msg/s  1,500 points/s  batch 14 ms  backlog 1,000 points  retries 1  dead letters 1");
    advance(1_000);
    assertThat(progress.line(metrics)).as("nothing new in the last second")
        .startsWith("archive: 0 msg/s  0 points/s  batch 14 ms");
  }

  @Test
  void aBatchStillBeingWrittenShowsItsTimeSoFar() {
    metrics.batchStarted(nanos.get());
    metrics.batchDone(10, 14);
    metrics.batchStarted(nanos.get());
    advance(61_000);
    assertThat(progress.line(metrics)).contains("batch 61,000 ms");
    metrics.batchDone(10, 61_020);
    metrics.batchStarted(nanos.get());
    advance(5);
    assertThat(progress.line(metrics)).as("the last batch took longer than the current one so far")
        .contains("batch 61,020 ms");
  }
}
