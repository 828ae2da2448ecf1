package io.openegiz.flux.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.embedded.EmbeddedChannel;
import io.openegiz.flux.broker.config.AuditConfig;
import io.openegiz.flux.broker.config.ConnectionLimits;
import io.openegiz.flux.broker.security.AuditLog;
import io.openegiz.flux.broker.security.ConnectionCaps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When accept() itself fails (EMFILE once the descriptors are gone, whatever took them), the guard on
 * the server channel stops accepting for a pause instead of retrying at once, reports once per interval,
 * and accepts again by itself. The server channel is stood in for by an {@link EmbeddedChannel}, whose
 * clock the test advances: an EMFILE cannot be caused in this JVM without starving the test itself
 * (OpenFileLimitIT runs a broker process at its limit).
 */
class AcceptGuardTest {
  @TempDir
  Path dir;

  @Test
  void anAcceptFailurePausesAcceptingReportsOnceAndResumes() throws Exception {
    Path auditFile = dir.resolve("audit.log");
    AuditLog audit = AuditLog.open(AuditConfig.defaults(auditFile.toString()), Clock.systemUTC(), () -> {});
    EmbeddedChannel server = new EmbeddedChannel(new AcceptGuard("test-listener", -1, DescriptorBudget.of(0),
        new ConnectionCaps(ConnectionLimits.DEFAULTS, false), audit));
    // what Netty's epoll transport raises on EMFILE (a NativeIoException, an IOException)
    IOException emfile = new IOException("accept(..) failed with error(-24): Too many open files");

    server.freezeTime(); // only advanceTimeBy moves the channel's clock
    for (int i = 0; i < 5; i++) {
      server.pipeline().fireExceptionCaught(emfile);
      server.checkException(); // handled: not passed on to Netty's acceptor and the pipeline's tail
      assertThat(server.config().isAutoRead()).as("accepting paused").isFalse();
    }
    server.advanceTimeBy(AcceptGuard.ACCEPT_PAUSE_MILLIS - 1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).isFalse();
    server.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    server.runScheduledPendingTasks();
    assertThat(server.config().isAutoRead()).as("accepting again").isTrue();

    server.pipeline().fireExceptionCaught(new IllegalStateException("not an accept failure"));
    assertThatThrownBy(server::checkException).isInstanceOf(IllegalStateException.class);
    server.finishAndReleaseAll();
    audit.close();
    // five failures, one audit line: the rest are counted into the next report
    assertThat(Files.readAllLines(auditFile)).singleElement().asString()
        .contains("\"limit\":\"accept_failed\"", "\"refused_since_last_report\":1");
  }
}
