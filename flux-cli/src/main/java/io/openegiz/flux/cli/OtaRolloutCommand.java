package io.openegiz.flux.cli;

import io.openegiz.flux.fleet.ota.DeviceStatuses;
import io.openegiz.flux.fleet.ota.OtaException;
import io.openegiz.flux.fleet.ota.Rollout;
import io.openegiz.flux.fleet.ota.SignedManifest;
import io.openegiz.flux.telemetry.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flux ota rollout}. */
@Command(name = "rollout", mixinStandardHelpOptions = true,
    description = {"Sends a signed update to devices in waves, a canary first, and follows them.",
        "A QoS 1 ota command on each device's .../command topic carries the manifest and the URL: a canary wave"
            + " first, then waves of --wave devices, at most --max-downloads downloading at once. Stops before the"
            + " next wave when the canary fails or the failure rate so far is above --max-failure-rate. A device"
            + " succeeds when its status reports confirmed. Exit status 0 when every device confirmed, 1"
            + " otherwise."})
final class OtaRolloutCommand extends OtaCommand.Base {
  @Option(names = "--manifest", required = true, paramLabel = "FILE",
      description = "IMAGE.manifest.json written by flux ota sign (its .manifest.sig beside it).")
  Path manifest;

  @Option(names = "--url", required = true, description = "https:// URL the devices download the image from.")
  String url;

  @ArgGroup(multiplicity = "1")
  Targets targets;

  /** Which devices. */
  static final class Targets {
    @Option(names = "--devices", split = ",", paramLabel = "ID,...",
        description = "Devices to update, in order (the first --canary form the canary wave).")
    List<String> devices;

    @Option(names = "--all", description = "Every device with a retained online status.")
    boolean all;
  }

  @Option(names = "--canary", defaultValue = "1",
      description = "Devices of the canary wave (default ${DEFAULT-VALUE}).")
  int canary;

  @Option(names = "--wave", defaultValue = "10", description = "Devices of each later wave (default ${DEFAULT-VALUE}).")
  int wave;

  @Option(names = "--max-downloads", defaultValue = "5",
      description = "Devices downloading at once (default ${DEFAULT-VALUE}).")
  int maxDownloads;

  @Option(names = "--max-failure-rate", defaultValue = "0.1",
      description = "Failed / finished devices above which it stops: checked as results come in, no more devices"
          + " are sent the update once it is crossed (default ${DEFAULT-VALUE}).")
  double maxFailureRate;

  @Option(names = "--min-results", defaultValue = "" + Rollout.Plan.DEFAULT_MIN_RESULTS, paramLabel = "N",
      description = "Finished devices before the failure rate can stop a wave in its middle; at a wave's end it"
          + " counts whatever finished (default ${DEFAULT-VALUE}).")
  int minResults;

  @Option(names = "--timeout", defaultValue = "300", paramLabel = "SECONDS",
      description = "Time a device has from its command to confirmed (default ${DEFAULT-VALUE}).")
  long timeout;

  @Option(names = "--discover", defaultValue = "3", paramLabel = "SECONDS",
      description = "How long to wait for the devices' retained statuses (default ${DEFAULT-VALUE}).")
  long discover;

  @Mixin
  OtaBrokerOptions broker;

  @Override
  int execute() throws Exception {
    SignedManifest signed = SignedManifest.read(manifest);
    List<String> problems = plan(signed, targets.devices == null ? List.of() : targets.devices).problems();
    if (!problems.isEmpty()) {
      throw new OtaException(String.join("; ", problems));
    }
    try (DeviceStatuses statuses = DeviceStatuses.connect(broker.broker())) {
      long until = System.nanoTime() + Duration.ofSeconds(discover).toNanos();
      List<String> devices = targets.devices;
      while (System.nanoTime() < until && (devices == null
          || !statuses.latest().keySet().containsAll(devices))) {
        Thread.sleep(100);
      }
      if (targets.all) {
        devices = new ArrayList<>(statuses.latest().values().stream()
            .filter(s -> s.status().status() == Status.State.ONLINE).map(s -> s.status().deviceId()).sorted()
            .toList());
        if (devices.isEmpty()) {
          throw new OtaException("--all: no device has a retained online status on " + DeviceStatuses.STATUS_FILTER);
        }
      }
      out.printf("rolling out %s %s to %d device(s) from %s%n", signed.manifest().model(),
          signed.manifest().version(), devices.size(), url);
      out.flush();
      Rollout.Result result = new Rollout(statuses, Clock.systemUTC(), line -> {
        out.println(line);
        out.flush();
      }).run(plan(signed, devices));
      long ok = result.outcomes().stream().filter(Rollout.Outcome::succeeded).count();
      out.printf("%d confirmed, %d failed, %d not started%s%n", ok, result.outcomes().size() - ok,
          result.notStarted().size(), result.stopReason() == null ? "" : "; stopped: " + result.stopReason());
      return result.allSucceeded() ? 0 : 1;
    }
  }

  private Rollout.Plan plan(SignedManifest signed, List<String> devices) {
    return new Rollout.Plan(signed, url, devices, canary, wave, maxDownloads, maxFailureRate,
        Duration.ofSeconds(timeout), minResults);
  }
}
