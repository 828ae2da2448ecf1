package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.telemetry.Status;
import java.util.Comparator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux ota status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = {"Each device's firmware and last OTA step.",
        "From the devices' retained statuses (openegiz/+/+/+/+/status): device, online/offline, running version,"
            + " OTA state, its version, request and detail."})
final class OtaStatusCommand extends OtaCommand.Base {
  @Option(names = "--wait", defaultValue = "2", paramLabel = "SECONDS",
      description = "How long to collect statuses (default ${DEFAULT-VALUE}).")
  long waitSeconds;

  @Mixin
  OtaBrokerOptions broker;

  @Override
  int execute() throws Exception {
    try (DeviceStatuses statuses = DeviceStatuses.connect(broker.broker())) {
      Thread.sleep(waitSeconds * 1000);
      out.printf("%-24s %-8s %-10s %-12s %-10s %-28s %s%n", "DEVICE", "STATUS", "FIRMWARE", "OTA", "VERSION",
          "REQUEST", "DETAIL");
      statuses.latest().values().stream().map(DeviceStatuses.Seen::status)
          .sorted(Comparator.comparing(Status::deviceId)).forEach(s -> {
            Status.Ota ota = s.ota();
            out.printf("%-24s %-8s %-10s %-12s %-10s %-28s %s%n", s.deviceId(),
                s.status().name().toLowerCase(java.util.Locale.ROOT),
                s.diagnostics() == null ? "-" : s.diagnostics().firmwareVersion(),
                ota == null ? "-" : ota.state().name().toLowerCase(java.util.Locale.ROOT),
                ota == null ? "-" : ota.version(), ota == null ? "-" : ota.requestId(),
                ota == null ? "" : ota.detail());
          });
      statuses.latest().keySet().stream().sorted().filter(id -> statuses.topicsOf(id).size() > 1)
          .forEach(id -> err.println("flux ota status: " + id + ": statuses from "
              + String.join(" and ", statuses.topicsOf(id)) + "; a device may be posing as another (the ACL binds a"
              + " device to its topic, not to the device_id inside); the row shows the last one"));
      if (statuses.latest().isEmpty()) {
        err.println("flux ota status: no retained status on " + DeviceStatuses.STATUS_FILTER + " within "
            + waitSeconds + " s");
        return 1;
      }
      return 0;
    }
  }
}
