package io.openegiz.flux.broker.security;

/**
 * A token bucket for the publish rate (SEC-5): {@code rate} tokens per second, at most {@code burst}
 * saved up. One bucket is shared by every connection of an identity ({@link PublishBuckets}), which
 * may live on different event loops, so its methods are synchronized (uncontended in practice).
 */
public final class TokenBucket {
  private final double ratePerNano;
  private final double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(int ratePerSecond, int burst, long nowNanos) {
    this.ratePerNano = ratePerSecond / 1e9;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.lastNanos = nowNanos;
  }

  /** Takes one token; false (nothing taken) when the client is above its rate. */
  public synchronized boolean tryTake(long nowNanos) {
    refill(nowNanos);
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }

  /** Nanoseconds until one token is available. */
  public synchronized long nanosUntilToken(long nowNanos) {
    refill(nowNanos);
    return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / ratePerNano);
  }

  /** True when the bucket has refilled completely: forgetting it then changes nothing. */
  synchronized boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * ratePerNano);
      lastNanos = nowNanos;
    }
  }
}
