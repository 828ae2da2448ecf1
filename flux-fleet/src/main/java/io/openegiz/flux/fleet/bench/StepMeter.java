package io.openegiz.flux.fleet.bench;

import java.util.function.Consumer;

/**
 * Follows one run of a scenario through its per-second samples and reads the broker's memory and
 * CPU (and the generator's CPU) at each: idle memory once connected, the CPU baseline at the end of
 * warm-up, RSS every measured second. Called on the scenario's sampling thread only.
 */
public final class StepMeter implements Consumer<Sample> {
  private static final long SELF = ProcessHandle.current().pid();

  private final long brokerPid;
  private final Consumer<Sample> next;
  private long idleRssKb = -1;
  private long rssSum;
  private long rssPeak;
  private int rssCount;
  private long messagesIn;
  private long[] start;
  private long[] end;

  public StepMeter(long brokerPid, Consumer<Sample> next) {
    this.brokerPid = brokerPid;
    this.next = next;
  }

  /** Every connection is open and nothing is published yet. */
  public void connected() {
    idleRssKb = ProcessMeter.rssKb(brokerPid);
    start = cpu();
  }

  @Override
  public void accept(Sample s) {
    if (s.warmup()) {
      start = cpu(); // the last warm-up second opens the measured window
    } else {
      long rss = ProcessMeter.rssKb(brokerPid);
      if (rss > 0) {
        rssSum += rss;
        rssCount++;
        rssPeak = Math.max(rssPeak, rss);
      }
      messagesIn += s.sent();
      end = cpu();
    }
    next.accept(s);
  }

  /** The figures of the measured window; zeros where it had no measured second. */
  public StepResources resources() {
    if (start == null || end == null) {
      return new StepResources(idleRssKb, 0, 0, 0, 0, 0, messagesIn);
    }
    return new StepResources(idleRssKb, rssCount == 0 ? 0 : rssSum / rssCount, rssPeak, end[1] - start[1],
        end[2] - start[2], end[0] - start[0], messagesIn);
  }

  private long[] cpu() {
    return new long[] {System.nanoTime(), ProcessMeter.cpuNanos(brokerPid), ProcessMeter.cpuNanos(SELF)};
  }
}
