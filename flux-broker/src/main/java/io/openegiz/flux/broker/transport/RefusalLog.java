package io.openegiz.flux.broker.transport;

import io.openegiz.flux.broker.security.AuditLog;
import java.net.SocketAddress;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports refused connections of one kind on one listener once per interval, not once per connection:
 * the first refusal is logged and audited at once, later ones are counted and reported with the next
 * refusal after the interval. A flood of connections therefore costs a few lines, not one each.
 */
final class RefusalLog {
  private static final Logger LOG = LoggerFactory.getLogger("io.openegiz.flux.broker.connection");
  static final long INTERVAL_NANOS = 10_000_000_000L;

  private final String limit;
  private final String why;
  private final AuditLog audit;
  private final LongSupplier nanoClock;
  private long reportedAt;
  private boolean reported;
  private long unreported;

  /**
   * @param limit the key that refused, for the audit log ("max_connections")
   * @param why what the log line says after "refused new connections: "
   */
  RefusalLog(String limit, String why, AuditLog audit, LongSupplier nanoClock) {
    this.limit = limit;
    this.why = why;
    this.audit = audit;
    this.nanoClock = nanoClock;
  }

  /** One more refused connection; true when this one was reported (logged and audited). */
  synchronized boolean refused(String listener, SocketAddress remote, String detail) {
    long now = nanoClock.getAsLong();
    if (reported && now - reportedAt < INTERVAL_NANOS) {
      unreported++;
      return false;
    }
    String since = unreported == 0 ? "" : " (" + unreported + " more refused since the last report)";
    LOG.warn("listener {}: refusing new connections: {}{}{}; reported at most every {} s", listener, why,
        detail == null ? "" : ": " + detail, since, INTERVAL_NANOS / 1_000_000_000L);
    audit.record(AuditLog.Event.CONNECTION_THROTTLED, listener, remote, null, null, "refused",
        Map.of("limit", limit, "refused_since_last_report", unreported + 1));
    reported = true;
    reportedAt = now;
    unreported = 0;
    return true;
  }
}
