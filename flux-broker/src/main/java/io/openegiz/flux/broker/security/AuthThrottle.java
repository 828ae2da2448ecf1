package io.openegiz.flux.broker.security;

import java.net.InetAddress;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows down repeated authentication failures from one address: each failure within a minute of the
 * last doubles the delay before the refusal is sent (base, 2×base, 4×base ... up to 10 s), so a
 * password-guessing client gets a few guesses a second at most. A success clears the address.
 */
public final class AuthThrottle {
  private static final long WINDOW_MILLIS = 60_000;
  private static final long MAX_DELAY_MILLIS = 10_000;

  private record Failures(int count, long lastMillis) {}

  private final Map<InetAddress, Failures> byAddress = new ConcurrentHashMap<>();
  private final long baseDelayMillis;
  private final Clock clock;

  public AuthThrottle(long baseDelayMillis, Clock clock) {
    this.baseDelayMillis = baseDelayMillis;
    this.clock = clock;
  }

  /** Records a failure and returns how long to wait before answering it. */
  public long failed(InetAddress address) {
    if (baseDelayMillis == 0 || address == null) {
      return 0;
    }
    long now = clock.millis();
    Failures f = byAddress.compute(address,
        (a, old) -> old == null || now - old.lastMillis() > WINDOW_MILLIS
            ? new Failures(1, now)
            : new Failures(old.count() + 1, now));
    int doublings = Math.min(f.count() - 1, 20);
    return Math.min(MAX_DELAY_MILLIS, baseDelayMillis << doublings);
  }

  public void succeeded(InetAddress address) {
    if (address != null) {
      byAddress.remove(address);
    }
  }

  /** Forgets addresses quiet for a minute; called periodically so the map stays small. */
  public void expire() {
    long now = clock.millis();
    byAddress.values().removeIf(f -> now - f.lastMillis() > WINDOW_MILLIS);
  }
}
