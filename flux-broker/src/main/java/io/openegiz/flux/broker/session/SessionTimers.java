package io.openegiz.flux.broker.session;

import java.util.concurrent.ScheduledFuture;

/** The timers of an offline session: its expiry and its delayed will. Thread-safe. */
final class SessionTimers {
  private ScheduledFuture<?> expiry;
  private ScheduledFuture<?> will;
  private SessionRegistry.Will willMessage;

  synchronized void expiry(ScheduledFuture<?> f) {
    if (expiry != null) expiry.cancel(false);
    expiry = f;
  }

  synchronized void will(ScheduledFuture<?> f, SessionRegistry.Will w) {
    if (will != null) will.cancel(false);
    will = f;
    willMessage = w;
  }

  /** The delayed will waiting to be published, or null. */
  synchronized SessionRegistry.Will pendingWill() {
    return will == null ? null : willMessage;
  }

  /** Cancels the expiry and the delayed will; true if a delayed will was pending. */
  synchronized boolean cancel() {
    boolean willPending = will != null && will.cancel(false);
    if (expiry != null) expiry.cancel(false);
    expiry = null;
    will = null;
    willMessage = null;
    return willPending;
  }
}
