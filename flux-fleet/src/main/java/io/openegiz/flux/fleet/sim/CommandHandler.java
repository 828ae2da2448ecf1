package io.openegiz.flux.fleet.sim;

import io.openegiz.flux.telemetry.Command;
import io.openegiz.flux.telemetry.PayloadException;
import io.openegiz.flux.telemetry.Payloads;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's reaction to its equipment's commands: {@code set_interval} changes the telemetry interval; an
 * {@code ota} is logged and answered {@code not_supported}, since a simulated device has no firmware to flash.
 */
final class CommandHandler {
  private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);

  private final SimulatedDevice device;
  private final FleetStats stats;

  CommandHandler(SimulatedDevice device, FleetStats stats) {
    this.device = device;
    this.stats = stats;
  }

  void handle(String topic, byte[] payload, String responseTopic, byte[] correlationData) {
    Command command;
    try {
      command = Payloads.fromJson(payload, Command.class);
    } catch (PayloadException e) {
      // Without a valid request_id nobody could match an answer, so an invalid command is only logged.
      stats.commandsRejected.increment();
      LOG.warn("{}: ignored an invalid command on {}: {}", device.spec().deviceId(), topic, e.getMessage());
      return;
    }
    if (command instanceof Command.Ota ota && ota.deviceId() != null
        && !ota.deviceId().equals(device.spec().deviceId())) {
      LOG.info("{}: OTA {} is addressed to {}: ignored", device.spec().deviceId(), ota.requestId(), ota.deviceId());
      return;
    }
    stats.commands.increment();
    CommandAck ack = switch (command) {
      case Command.SetInterval set -> setInterval(set);
      case Command.Ota ota -> ota(ota);
    };
    device.respond(ack, responseTopic, correlationData);
  }

  private CommandAck setInterval(Command.SetInterval set) {
    device.setInterval(Duration.ofSeconds(set.intervalSeconds()));
    LOG.info("{}: telemetry interval set to {} s ({})", device.spec().deviceId(), set.intervalSeconds(),
        set.requestId());
    return ack(set.requestId(), "set_interval", CommandAck.APPLIED,
        "telemetry interval is now " + set.intervalSeconds() + " s");
  }

  private CommandAck ota(Command.Ota ota) {
    LOG.info("{}: OTA to {} from {} requested ({}); a simulated device cannot install firmware",
        device.spec().deviceId(), ota.version(), ota.url(), ota.requestId());
    return ack(ota.requestId(), "ota", CommandAck.NOT_SUPPORTED,
        "simulated device: OTA to " + ota.version() + " is not supported; firmware unchanged");
  }

  private CommandAck ack(String requestId, String command, String result, String detail) {
    return new CommandAck(device.spec().deviceId(), requestId, command, result, detail,
        Instant.now().truncatedTo(ChronoUnit.MILLIS));
  }
}
