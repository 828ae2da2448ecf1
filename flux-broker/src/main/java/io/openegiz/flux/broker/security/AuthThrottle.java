package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.LoginLimits;
import java.net.InetAddress;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Limits password guessing (issue 8, item 5). Failed logins are counted per username and per remote
 * address in a fixed window; at the threshold the username or address is locked, and while locked
 * every attempt is refused before its password is checked — the right password too. Logins being
 * checked at once are capped per address; logins in flight for a username (for an address, once it
 * has failures) count against what is left before its lock, so parallel guesses cannot overshoot it. A
 * success releases only its own place: it clears no failures and no lock. Failures are also answered
 * late: the base delay, doubled per further failure in the window, up to 10 s.
 *
 * <p>Thread-safe: one lock, held for a few map operations per login.
 */
public final class AuthThrottle {
  private static final long MAX_DELAY_MILLIS = 10_000;
  private static final int EXPIRE_ABOVE = 100_000;

  /** Why a login is refused before its password is checked. */
  public enum Refusal {
    /** Too many failures: the username or the address is locked (MQTT 5 0x8A, 3.1.1 code 5). */
    LOCKED,
    /** Too many logins from this address are being checked now (MQTT 5 0x89, 3.1.1 code 3). */
    BUSY
  }

  private static final class Counter {
    int failures;
    long windowStart;
    long lockedUntil;
    int pending;
  }

  private final Map<InetAddress, Counter> byAddress = new HashMap<>();
  private final Map<String, Counter> byUser = new HashMap<>();
  private final LoginLimits limits;
  private final Clock clock;

  public AuthThrottle(LoginLimits limits, Clock clock) {
    this.limits = limits;
    this.clock = clock;
  }

  /**
   * One login's place in the throttle, from before its check until its answer. {@link #refusal()} is
   * non-null when it was refused without a check; otherwise exactly one of {@link #failed()} or
   * {@link #release()} must follow.
   */
  public final class Ticket {
    private final InetAddress address;
    private final String username;
    private final Refusal refusal;
    private final long retryAfterMillis;
    private boolean done;

    private Ticket(InetAddress address, String username, Refusal refusal, long retryAfterMillis) {
      this.address = address;
      this.username = username;
      this.refusal = refusal;
      this.retryAfterMillis = retryAfterMillis;
    }

    public Refusal refusal() {
      return refusal;
    }

    /** For a refusal, how long until a retry may be admitted: the rest of the lock, or one second when busy. */
    public long retryAfterMillis() {
      return retryAfterMillis;
    }

    /** Counts a failed check and returns how long to wait before answering it. */
    public long failed() {
      return AuthThrottle.this.failed(this);
    }

    /** Ends the login without counting it as a failure (success, error, server busy). */
    public void release() {
      AuthThrottle.this.release(this);
    }
  }

  /** Takes a place for a login with a username (null: anonymous) from an address (null: not IP). */
  public synchronized Ticket admit(InetAddress address, String username) {
    long now = clock.millis();
    if (byAddress.size() + byUser.size() > EXPIRE_ABOVE) {
      expire(now); // a scan of many addresses or usernames: keep the maps from growing without bound
    }
    Counter a = counted(address) ? byAddress.computeIfAbsent(address, k -> new Counter()) : null;
    Counter u = username != null && limits.maxFailuresPerUser() > 0
        ? byUser.computeIfAbsent(username, k -> new Counter())
        : null;
    boolean addressLocked = locked(a, now);
    boolean userLocked = locked(u, now);
    if (addressLocked || userLocked) {
      long until = Math.max(addressLocked ? a.lockedUntil : 0, userLocked ? u.lockedUntil : 0);
      return new Ticket(null, null, Refusal.LOCKED, until - now);
    }
    if (a != null && limits.maxPendingPerAddress() > 0 && a.pending >= limits.maxPendingPerAddress()
        || nearLock(a, limits.maxFailuresPerAddress()) || atLock(u, limits.maxFailuresPerUser())) {
      return new Ticket(null, null, Refusal.BUSY, 1000);
    }
    if (a != null) a.pending++;
    if (u != null) u.pending++;
    return new Ticket(a != null ? address : null, u != null ? username : null, null, 0);
  }

  private boolean counted(InetAddress address) {
    return address != null && !(limits.exemptLoopback() && address.isLoopbackAddress());
  }

  /** Whether the counter is locked now; first starts a new window if the old one (or its lock) is over. */
  private boolean locked(Counter c, long now) {
    if (c == null) {
      return false;
    }
    if (c.lockedUntil != 0 ? now >= c.lockedUntil : now - c.windowStart >= limits.windowSeconds() * 1000L) {
      c.failures = 0;
      c.lockedUntil = 0;
      c.windowStart = now;
    }
    return c.lockedUntil != 0;
  }

  /** Once there are failures, the checks in flight could each be one more: they count against the lock. */
  private static boolean nearLock(Counter c, int max) {
    return c != null && max > 0 && c.failures > 0 && c.failures + c.pending >= max;
  }

  /**
   * For a username, checks in flight always count against its lock, failures or not: parallel guesses
   * from many addresses (an IPv6 prefix, a botnet) pass every per-address limit, and before the first
   * failure came back they were all checked. An address is spared this (devices behind one NAT).
   */
  private static boolean atLock(Counter c, int max) {
    return c != null && max > 0 && c.failures + c.pending >= max;
  }

  private synchronized long failed(Ticket t) {
    if (t.refusal != null || t.done) {
      return 0;
    }
    t.done = true;
    long now = clock.millis();
    int failures = Math.max(fail(byAddress.get(t.address), limits.maxFailuresPerAddress(), now),
        fail(byUser.get(t.username), limits.maxFailuresPerUser(), now));
    if (limits.failureDelayMillis() == 0 || failures == 0) {
      return 0;
    }
    return Math.min(MAX_DELAY_MILLIS, (long) limits.failureDelayMillis() << Math.min(failures - 1, 20));
  }

  private int fail(Counter c, int max, long now) {
    if (c == null) {
      return 0;
    }
    c.pending--;
    locked(c, now);
    c.failures++;
    if (max > 0 && c.failures >= max && c.lockedUntil == 0) {
      c.lockedUntil = now + limits.lockSeconds() * 1000L;
    }
    return c.failures;
  }

  private synchronized void release(Ticket t) {
    if (t.refusal != null || t.done) {
      return;
    }
    t.done = true;
    Counter a = byAddress.get(t.address);
    if (a != null) a.pending--;
    Counter u = byUser.get(t.username);
    if (u != null) u.pending--;
  }

  /** Forgets usernames and addresses with nothing pending, no lock and no failures in the window. */
  public synchronized void expire() {
    expire(clock.millis());
  }

  private void expire(long now) {
    byAddress.values().removeIf(c -> idle(c, now));
    byUser.values().removeIf(c -> idle(c, now));
  }

  private boolean idle(Counter c, long now) {
    return c.pending == 0 && !locked(c, now)
        && (c.failures == 0 || now - c.windowStart >= limits.windowSeconds() * 1000L);
  }
}
