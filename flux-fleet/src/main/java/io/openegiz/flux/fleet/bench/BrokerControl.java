package io.openegiz.flux.fleet.bench;

/** What the reconnect storm needs of a broker: kill it hard and start it again on the same port. */
public interface BrokerControl {

  /** Stops the broker without any chance to clean up (SIGKILL for a process). */
  void kill() throws Exception;

  /** Starts the broker again on the same port and returns once it accepts connections. */
  void start() throws Exception;
}
