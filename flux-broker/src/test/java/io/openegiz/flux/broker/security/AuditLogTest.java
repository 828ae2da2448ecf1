package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.config.AuditConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The audit writer when it cannot keep up: drops are counted (metric and broker log), and
 * authentication events keep their places.
 */
class AuditLogTest {
  private static final InetSocketAddress REMOTE = new InetSocketAddress("10.0.0.1", 1234);

  /** A disk that hangs until released, then records what was written. */
  private static final class StuckDisk extends OutputStream {
    final CountDownLatch release = new CountDownLatch(1);
    final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) throws IOException {
      await();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
      await();
      bytes.write(b, off, len);
    }

    private void await() throws IOException {
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new IOException(e);
      }
    }
  }

  @Test
  void aFloodOfDenialsIsDroppedAndCountedButAuthenticationEventsStillGetIn() throws Exception {
    StuckDisk disk = new StuckDisk();
    AtomicLong metric = new AtomicLong();
    AuditLog log = new AuditLog(disk, null, AuditConfig.defaults("-"), Clock.systemUTC(), metric::incrementAndGet);
    for (int i = 0; i < 70_000; i++) {
      log.record(AuditLog.Event.ACL_DENIED, "l", REMOTE, "flooder", null, "denied", Map.of("topic", "t/" + i));
    }
    long droppedDenials = log.lost();
    assertThat(droppedDenials).isGreaterThan(20_000); // the queue holds 65,536, a quarter of it only for logins
    assertThat(metric.get()).isEqualTo(droppedDenials);
    for (int i = 0; i < 1000; i++) {
      log.record(AuditLog.Event.AUTH_FAILURE, "l", REMOTE, "guess-" + i, "egizcore", "refused", Map.of());
    }
    assertThat(log.lost()).isEqualTo(droppedDenials);
    // The broker log (slf4j-simple writes to standard error) is told once, with the count.
    PrintStream err = System.err;
    ByteArrayOutputStream brokerLog = new ByteArrayOutputStream();
    System.setErr(new PrintStream(brokerLog, true, StandardCharsets.UTF_8));
    try {
      disk.release.countDown();
      log.close();
    } finally {
      System.setErr(err);
    }
    assertThat(disk.bytes.toString(StandardCharsets.UTF_8))
        .contains("\"client_id\":\"guess-0\"", "\"client_id\":\"guess-999\"");
    assertThat(brokerLog.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("events dropped")))
        .singleElement().asString().contains("WARN", droppedDenials + " events dropped");
  }
}
