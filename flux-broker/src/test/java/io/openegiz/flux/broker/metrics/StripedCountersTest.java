package io.openegiz.flux.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.concurrent.DefaultThreadFactory;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.Test;

class StripedCountersTest {

  /** Starts {@code threads} threads of {@code factory}, each adding {@code adds} times, and waits for them. */
  private static void addFrom(ThreadFactory factory, int threads, int adds, StripedCounters c) throws Exception {
    CountDownLatch done = new CountDownLatch(threads);
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread th = factory.newThread(() -> {
        for (int i = 0; i < adds; i++) {
          c.increment(0);
          c.add(2, 3);
        }
        done.countDown();
      });
      th.start();
      started.add(th);
    }
    done.await();
    for (Thread th : started) {
      th.join();
    }
  }

  @Test
  void eventLoopThreadsAndOthersAllCountAndNothingIsLostWhenTheyEnd() throws Exception {
    StripedCounters c = new StripedCounters(3);
    addFrom(new DefaultThreadFactory("loop"), 2, 100_000, c); // FastThreadLocalThreads, as Netty's event loops
    addFrom(Thread.ofPlatform().factory(), 3, 100_000, c);
    assertThat(c.sum(0)).isEqualTo(500_000);
    assertThat(c.sum(1)).isZero();
    assertThat(c.sum(2)).isEqualTo(1_500_000);
    assertThat(c.sum(0, 3)).isEqualTo(2_000_000);
  }

  @Test
  void threadsBeyondTheStripeCapShareOneStripeAndStillCountExactly() throws Exception {
    StripedCounters c = new StripedCounters(3);
    int threads = StripedCounters.MAX_STRIPES + 20;
    addFrom(Thread.ofPlatform().factory(), threads, 1_000, c);
    assertThat(c.stripes()).isEqualTo(StripedCounters.MAX_STRIPES);
    assertThat(c.sum(0)).isEqualTo(threads * 1_000L);
    assertThat(c.sum(2)).isEqualTo(threads * 3_000L);
  }

  @Test
  void aSumReadWhileThreadsAddNeverGoesDown() throws Exception {
    StripedCounters c = new StripedCounters(1);
    Thread adder = new DefaultThreadFactory("loop").newThread(() -> {
      for (int i = 0; i < 2_000_000; i++) {
        c.increment(0);
      }
    });
    adder.start();
    long last = 0;
    while (adder.isAlive()) {
      long now = c.sum(0);
      assertThat(now).isGreaterThanOrEqualTo(last);
      last = now;
    }
    adder.join();
    assertThat(c.sum(0)).isEqualTo(2_000_000);
  }

  @Test
  void theHistogramPutsEachDurationInItsBucketAndExportsSeconds() throws Exception {
    StripedHistogram h = new StripedHistogram("flux_test_latency_seconds", "test", new double[] {0.001, 0.01});
    h.observe(500_000); // 0.5 ms: le 0.001
    h.observe(1_000_000); // exactly 1 ms: le 0.001 (upper bounds are inclusive)
    h.observe(5_000_000); // le 0.01
    h.observe(2_000_000_000L); // +Inf
    assertThat(h.count()).isEqualTo(4);
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(h);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    assertThat(out.toString(StandardCharsets.UTF_8)).contains(
        "# TYPE flux_test_latency_seconds histogram",
        "flux_test_latency_seconds_bucket{le=\"0.001\"} 2",
        "flux_test_latency_seconds_bucket{le=\"0.01\"} 3",
        "flux_test_latency_seconds_bucket{le=\"+Inf\"} 4",
        "flux_test_latency_seconds_count 4",
        "flux_test_latency_seconds_sum 2.0065");
  }
}
