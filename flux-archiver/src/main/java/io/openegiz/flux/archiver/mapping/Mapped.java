package io.openegiz.flux.archiver.mapping;

import io.openegiz.flux.archiver.line.Point;
import java.util.List;

/** What one MQTT message becomes: points to write, a rejection for the dead letters, or nothing to archive. */
public sealed interface Mapped {

  /**
   * The points of a valid message.
   *
   * @param points         one or more points
   * @param receiveTimeUsed whether the payload had no timestamp and the receive time stands in for it
   */
  record Points(List<Point> points, boolean receiveTimeUsed) implements Mapped {
    /** Copies the list. */
    public Points {
      points = List.copyOf(points);
    }
  }

  /**
   * A message that cannot be archived: not JSON, against its schema, or on a malformed OpenEgiz topic.
   *
   * @param reason what is wrong, naming the field
   */
  record Rejected(String reason) implements Mapped {
  }

  /**
   * A message that is not archived by design (a command or a command response).
   *
   * @param why which kind of message it is
   */
  record Ignored(String why) implements Mapped {
  }
}
