package io.openegiz.flux.broker.config;

/**
 * How password guessing is limited (issue 8, item 5). Failures are counted per username and per
 * remote address in a fixed window; at the threshold the username or address is locked, and while
 * locked every attempt is refused without its password being checked.
 *
 * @param failureDelayMillis base delay before a refusal, doubled per further failure from the
 *     address in the window, capped at 10 s; 0 = off (auth_failure_delay)
 * @param maxFailuresPerUser failures that lock a username; 0 = no username lock (auth_lockout_failures)
 * @param maxFailuresPerAddress failures that lock an address; 0 = no address lock
 *     (auth_lockout_failures_per_address)
 * @param windowSeconds the window failures are counted in (auth_lockout_window)
 * @param lockSeconds how long a lock lasts (auth_lockout_time)
 * @param maxPendingPerAddress logins from one address being checked at once; 0 = no cap
 *     (auth_max_pending_per_address)
 * @param exemptLoopback whether loopback addresses skip the per-address limits (auth_exempt_loopback)
 */
public record LoginLimits(int failureDelayMillis, int maxFailuresPerUser, int maxFailuresPerAddress, int windowSeconds,
    int lockSeconds, int maxPendingPerAddress, boolean exemptLoopback) {
  public static final int DEFAULT_FAILURE_DELAY_MILLIS = 100;
  public static final int DEFAULT_MAX_FAILURES_PER_USER = 10;
  public static final int DEFAULT_MAX_FAILURES_PER_ADDRESS = 50;
  public static final int DEFAULT_WINDOW_SECONDS = 60;
  public static final int DEFAULT_LOCK_SECONDS = 60;
  public static final int DEFAULT_MAX_PENDING_PER_ADDRESS = 8;

  public static LoginLimits defaults() {
    return new LoginLimits(DEFAULT_FAILURE_DELAY_MILLIS, DEFAULT_MAX_FAILURES_PER_USER,
        DEFAULT_MAX_FAILURES_PER_ADDRESS, DEFAULT_WINDOW_SECONDS, DEFAULT_LOCK_SECONDS,
        DEFAULT_MAX_PENDING_PER_ADDRESS, false);
  }
}
