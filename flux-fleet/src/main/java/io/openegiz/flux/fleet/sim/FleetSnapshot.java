package io.openegiz.flux.fleet.sim;

import java.time.Duration;
import java.util.Locale;

/**
 * The fleet's counters at one moment, for the progress line and the final summary.
 *
 * @param elapsed         time since the fleet started
 * @param devices         simulated devices
 * @param connected       devices connected now
 * @param sent            telemetry messages handed to MQTT
 * @param acked           telemetry messages the broker acknowledged
 * @param refused         telemetry messages the broker refused
 * @param buffered        messages waiting in offline buffers now
 * @param dropped         messages dropped from full offline buffers
 * @param reconnects      successful reconnections
 * @param connectFailures failed connection attempts
 * @param commands        valid commands received
 * @param commandsRejected invalid commands ignored
 */
public record FleetSnapshot(Duration elapsed, int devices, int connected, long sent, long acked, long refused,
    long buffered, long dropped, long reconnects, long connectFailures, long commands, long commandsRejected) {

  /** One line for stderr, e.g. {@code [12s] connected 1000/1000 sent 12000 acked 11990 ...}. */
  public String progressLine() {
    return String.format(Locale.ROOT, "[%ds] connected %d/%d  sent %d  acked %d  buffered %d  dropped %d"
        + "  reconnects %d  failed connects %d", Math.round(elapsed.toMillis() / 1000.0), connected, devices, sent,
        acked, buffered,
        dropped, reconnects, connectFailures);
  }

  /** The end-of-run summary, several lines. */
  public String summary() {
    double seconds = Math.max(0.001, elapsed.toMillis() / 1000.0);
    return String.format(Locale.ROOT, """
        fleet: %d devices for %.1f s
          telemetry sent      %d (%.1f msg/s)
          acknowledged        %d
          refused by broker   %d
          still buffered      %d
          dropped (buffer full) %d
          reconnects          %d
          failed connects     %d
          commands            %d (%d invalid, ignored)""", devices, seconds, sent, sent / seconds, acked, refused,
        buffered, dropped, reconnects, connectFailures, commands, commandsRejected);
  }
}
