package io.openegiz.flux.broker.config;

import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;

/**
 * Keys that keep one client from flooding the broker's defences: audit log rotation and ACL-denial
 * aggregation, the SUBSCRIBE/UNSUBSCRIBE rate, and the limits on password guessing (issue 8, items 4
 * and 5).
 */
final class GuardKeys {
  private GuardKeys() {}

  /** What these keys said, collected while the file is read. */
  static final class Acc {
    long auditMaxBytes = AuditConfig.DEFAULT_MAX_BYTES;
    int auditKeep = AuditConfig.DEFAULT_KEEP;
    int denialsInFull = AuditConfig.DEFAULT_DENIALS_IN_FULL;
    int summarySeconds = AuditConfig.DEFAULT_SUMMARY_SECONDS;
    int subscribeRate = SubscribeRate.DEFAULT_PER_SECOND;
    int subscribeBurst = SubscribeRate.DEFAULT_BURST;
    int failureDelayMillis = LoginLimits.DEFAULT_FAILURE_DELAY_MILLIS;
    int maxFailuresPerUser = LoginLimits.DEFAULT_MAX_FAILURES_PER_USER;
    int maxFailuresPerAddress = LoginLimits.DEFAULT_MAX_FAILURES_PER_ADDRESS;
    int windowSeconds = LoginLimits.DEFAULT_WINDOW_SECONDS;
    int lockSeconds = LoginLimits.DEFAULT_LOCK_SECONDS;
    int maxPendingPerAddress = LoginLimits.DEFAULT_MAX_PENDING_PER_ADDRESS;
    boolean exemptLoopback;

    AuditConfig audit(String target) {
      return new AuditConfig(target, auditMaxBytes, auditKeep, denialsInFull, summarySeconds);
    }

    LoginLimits logins() {
      return new LoginLimits(failureDelayMillis, maxFailuresPerUser, maxFailuresPerAddress, windowSeconds,
          lockSeconds, maxPendingPerAddress, exemptLoopback);
    }

    SubscribeRate subscribeRate() {
      return new SubscribeRate(subscribeRate, subscribeBurst);
    }
  }

  private static final long DAY = 86_400;

  static void register(Map<String, Key> k) {
    k.put("audit_log_max_size", number("bytes from 0 (never rotate) or 65536 to " + Long.MAX_VALUE, 0,
        Long.MAX_VALUE, (a, n) -> a.auditMaxBytes = n, n -> n != 0 && n < 65_536));
    k.put("audit_log_keep",
        number("rotated audit files to keep, 1 to 1000", 1, 1000, (a, n) -> a.auditKeep = n.intValue()));
    k.put("audit_denials_in_full", number("ACL denials per connection written in full, 0 to 100000", 0, 100_000,
        (a, n) -> a.denialsInFull = n.intValue()));
    k.put("audit_denial_summary_interval", number("seconds from 1 to " + DAY, 1, DAY,
        (a, n) -> a.summarySeconds = n.intValue()));
    k.put("max_subscribe_rate", number("topic filters per second per client, 0 (no limit) to 1000000", 0, 1_000_000,
        (a, n) -> a.subscribeRate = n.intValue()));
    k.put("max_subscribe_burst", number("topic filters a client may send at once above its rate, 1 to 1000000", 1,
        1_000_000, (a, n) -> a.subscribeBurst = n.intValue()));
    k.put("auth_failure_delay", number("milliseconds from 0 (off) to 10000", 0, 10_000,
        (a, n) -> a.failureDelayMillis = n.intValue()));
    k.put("auth_lockout_failures", number("failed logins that lock a username, 0 (never) to 1000000", 0, 1_000_000,
        (a, n) -> a.maxFailuresPerUser = n.intValue()));
    k.put("auth_lockout_failures_per_address", number("failed logins that lock a remote address, 0 (never) to"
        + " 1000000", 0, 1_000_000, (a, n) -> a.maxFailuresPerAddress = n.intValue()));
    k.put("auth_lockout_window", number("seconds from 1 to " + DAY, 1, DAY, (a, n) -> a.windowSeconds = n.intValue()));
    k.put("auth_lockout_time", number("seconds from 1 to " + DAY, 1, DAY, (a, n) -> a.lockSeconds = n.intValue()));
    k.put("auth_max_pending_per_address", number("logins being checked at once per remote address, 0 (no cap) to"
        + " 1000000", 0, 1_000_000, (a, n) -> a.maxPendingPerAddress = n.intValue()));
    k.put("auth_exempt_loopback", new Key("true or false", 1, 1, (s, d) -> {
      String v = d.args().get(0);
      if (v.equals("true") || v.equals("false")) {
        s.security.guards.exemptLoopback = Boolean.parseBoolean(v);
      } else {
        s.error(d, ConfigParser.quote(v) + " is not true or false");
      }
    }));
  }

  private static Key number(String accepted, long min, long max, BiConsumer<Acc, Long> setter) {
    return number(accepted, min, max, setter, n -> false);
  }

  private static Key number(String accepted, long min, long max, BiConsumer<Acc, Long> setter, LongPredicate rejected) {
    return new Key(accepted, 1, 1, (s, d) -> {
      Long n = s.number(d, d.args().get(0), min, max);
      if (n != null && rejected.test(n)) {
        s.error(d, n + " is out of range");
      } else if (n != null) {
        setter.accept(s.security.guards, n);
      }
    });
  }
}
