package io.openegiz.flux.broker.routing;

import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import io.openegiz.flux.broker.message.Delivery;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;

/**
 * Sends the retained messages matching a new subscription [MQTT-3.3.1-9] in slices, each one task on
 * the subscriber's event loop, so that a wildcard over a large retained set never holds the loop: a
 * slice visits at most {@link #VISITS_PER_SLICE} tree nodes and queues at most {@link #SLICE}
 * messages, then the delivery re-schedules itself behind the loop's other work. It queues into the
 * session only while the queue has room and otherwise waits for the queue to drain, so an online
 * subscriber gets every retained message it may read, whatever max_queued_messages is.
 */
final class RetainedDelivery implements Runnable {

  /** Most messages one slice queues. */
  static final int SLICE = 256;
  /** Most tree nodes one slice visits, so a filter that matches little among much still yields. */
  static final int VISITS_PER_SLICE = 4 * SLICE;
  /** Retry period when the queue is under its message count but over its byte bound. */
  private static final long BYTES_RETRY_MILLIS = 10;

  private final RetainedCursor cursor;
  private final Subscriber session;
  private final Subscription subscription;
  private final ScheduledExecutorService loop;
  private final List<Integer> subscriptionIds;
  /** A delivery that found no room, sent first when the slice resumes. */
  private Delivery pending;
  /** Woken without room since the last queued message: the byte bound holds it, so poll. */
  private boolean stalled;

  RetainedDelivery(RetainedCursor cursor, Subscriber session, Subscription subscription,
      ScheduledExecutorService loop) {
    this.cursor = cursor;
    this.session = session;
    this.subscription = subscription;
    this.loop = loop;
    this.subscriptionIds = subscription.subscriptionId() == 0 ? List.of() : List.of(subscription.subscriptionId());
  }

  /** One slice; called once directly (after the SUBACK is written), then on the loop. */
  @Override
  public void run() {
    // A non-shared subscription is keyed by its filter. One replaced meanwhile keeps its delivery: a
    // replacing SUBSCRIBE with retain handling 1 sends nothing, and a duplicate beats a loss.
    if (session.ended() || !session.subscriptions().containsKey(subscription.filter())) {
      return; // the session is over, or no longer subscribes to the filter
    }
    long visitLimit = cursor.visits() + VISITS_PER_SLICE;
    for (int queued = 0; queued < SLICE; queued++) {
      Delivery d = pending != null ? pending : nextAllowed(visitLimit);
      pending = null;
      if (d == null) {
        if (!cursor.done()) {
          yieldLoop(); // visit budget spent
        }
        return;
      }
      if (!session.hasRoomFor(d)) {
        pending = d;
        waitForRoom();
        return;
      }
      session.offer(d);
      stalled = false;
    }
    yieldLoop();
  }

  /**
   * Runs the next slice after the loop's next I/O pass. Not {@code execute}: Netty 4.2 runs the tasks
   * queued during a task pass in that same pass, for up to a second, so slices queued that way would run
   * back to back and hold every other connection's reads; a scheduled task only joins the next pass.
   */
  private void yieldLoop() {
    later(0, TimeUnit.NANOSECONDS);
  }

  private void later(long delay, TimeUnit unit) {
    try {
      loop.schedule(this, delay, unit);
    } catch (RejectedExecutionException e) {
      // the broker is stopping
    }
  }

  /** The next match the subscriber may read (checked per delivery), or null when the slice's visits are spent. */
  private Delivery nextAllowed(long visitLimit) {
    while (true) {
      long left = visitLimit - cursor.visits();
      Message m = left > 0 ? cursor.next((int) left) : null;
      if (m == null) {
        return null;
      }
      if (session.mayReceive(m.topic())) {
        // [MQTT-3.3.1-8] retained flag set on a delivery caused by a new subscription
        return new Delivery(m, Math.min(m.qos(), subscription.qos()), true, subscriptionIds);
      }
    }
  }

  private void waitForRoom() {
    if (stalled) {
      later(BYTES_RETRY_MILLIS, TimeUnit.MILLISECONDS);
      return;
    }
    stalled = true;
    session.awaitRoom(this::yieldLoop);
  }
}
