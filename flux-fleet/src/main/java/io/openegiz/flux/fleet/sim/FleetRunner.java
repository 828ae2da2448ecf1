package io.openegiz.flux.fleet.sim;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs a fleet for a duration or until {@link #requestStop()} (Ctrl-C), printing a progress line on a stream
 * every period and the summary at the end.
 */
public final class FleetRunner {
  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch finished = new CountDownLatch(1);

  /** Blocks until the duration ({@code null}: no limit) ends or a stop is requested; returns the last counters. */
  public FleetSnapshot run(FleetConfig config, Duration duration, Duration progressEvery, PrintStream out)
      throws InterruptedException {
    FleetSnapshot last;
    Fleet fleet = Fleet.start(config);
    long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    try {
      out.println("fleet: " + fleet.devices().size() + " devices -> " + config.host() + ":" + config.port()
          + " (MQTT " + config.mqttVersion().label() + ", interval " + config.interval().toMillis() + " ms, seed "
          + config.seed() + ")");
      while (true) {
        long wait = Math.min(progressEvery.toNanos(), deadline - System.nanoTime());
        if (wait <= 0 || stop.await(wait, TimeUnit.NANOSECONDS)) {
          break;
        }
        out.println(fleet.snapshot().progressLine());
      }
      out.println("fleet: stopping (offline status, then DISCONNECT)...");
      fleet.close();
      last = fleet.snapshot();
      out.println(last.summary());
    } finally {
      fleet.close();
      finished.countDown();
    }
    return last;
  }

  /** Ends the run early, as Ctrl-C does, and waits up to {@code grace} for the devices to stop. */
  public void requestStop(Duration grace) throws InterruptedException {
    stop.countDown();
    finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
  }
}
