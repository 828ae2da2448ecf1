package io.openegiz.flux.broker.routing;

import java.util.Iterator;
import java.util.List;
import io.openegiz.flux.broker.message.Message;

/**
 * The retained messages matching one filter, handed out a few at a time so that a large set can be
 * sent in bounded slices (one event-loop task each) instead of in one long scan.
 */
public interface RetainedCursor {

  /**
   * The next matching message, or null when none was found within {@code maxVisits} tree nodes or
   * none remain (see {@link #done()}).
   */
  Message next(int maxVisits);

  /** True when every match has been returned. */
  boolean done();

  /** Tree nodes visited so far, for bounding the work of one slice. */
  long visits();

  /** A cursor over messages already collected; each message counts as one visit. */
  static RetainedCursor of(List<Message> messages) {
    Iterator<Message> it = messages.iterator();
    return new RetainedCursor() {
      private long visits;

      @Override
      public Message next(int maxVisits) {
        if (maxVisits <= 0 || !it.hasNext()) {
          return null;
        }
        visits++;
        return it.next();
      }

      @Override
      public boolean done() {
        return !it.hasNext();
      }

      @Override
      public long visits() {
        return visits;
      }
    };
  }
}
