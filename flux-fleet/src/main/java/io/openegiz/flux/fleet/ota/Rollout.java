package io.openegiz.flux.fleet.ota;

import io.openegiz.flux.telemetry.Command;
import io.openegiz.flux.telemetry.Payloads;
import io.openegiz.flux.telemetry.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code flux ota rollout}: sends the signed update to devices in waves, a canary wave first, with at most
 * {@code maxDownloads} devices downloading at once, and stops when the canary failed or the failure rate so far
 * is above the limit: checked as each result comes in, once there are {@code minResults} of them, so a wave
 * stops sending at once (the devices already sent the update are waited for), and at the end of every wave. A
 * device succeeds when its status reports {@code confirmed} for its request; {@code refused}, {@code failed},
 * {@code rolled_back} or no end within the timeout is a failure.
 */
public final class Rollout {
  private static final long POLL_MS = 200;

  private final DeviceStatuses statuses;
  private final Clock clock;
  private final Consumer<String> out;

  public Rollout(DeviceStatuses statuses, Clock clock, Consumer<String> out) {
    this.statuses = statuses;
    this.clock = clock;
    this.out = out;
  }

  /**
   * What to roll out, where and how carefully.
   *
   * @param manifest       the signed manifest
   * @param url            the https:// URL of the image
   * @param devices        the devices, in rollout order (the first {@code canary} form the canary wave)
   * @param canary         devices of the first wave, at least 1
   * @param waveSize       devices of each later wave, at least 1
   * @param maxDownloads   devices downloading at once, at least 1
   * @param maxFailureRate failures / finished devices above which the rollout stops, 0 to 1
   * @param timeout        how long a device has from its command to {@code confirmed}
   * @param minResults     finished devices (canary and earlier waves included) before the failure rate stops a
   *                       wave in its middle; at a wave's end it is judged on whatever finished
   */
  public record Plan(SignedManifest manifest, String url, List<String> devices, int canary, int waveSize,
      int maxDownloads, double maxFailureRate, Duration timeout, int minResults) {

    /** Finished devices before the failure rate can stop a wave in its middle, unless told otherwise. */
    public static final int DEFAULT_MIN_RESULTS = 10;

    /** A plan with {@link #DEFAULT_MIN_RESULTS}. */
    public Plan(SignedManifest manifest, String url, List<String> devices, int canary, int waveSize,
        int maxDownloads, double maxFailureRate, Duration timeout) {
      this(manifest, url, devices, canary, waveSize, maxDownloads, maxFailureRate, timeout, DEFAULT_MIN_RESULTS);
    }

    /** Every problem with the options of the plan, each naming the option; empty when usable. */
    public List<String> problems() {
      List<String> errors = new ArrayList<>();
      if (!url.matches("https://\\S+") || url.length() > 512) {
        errors.add("--url: \"" + url + "\" is not an https:// URL of at most 512 characters without spaces");
      }
      if (canary < 1) {
        errors.add("--canary: " + canary + "; accepted: 1 or more devices");
      }
      if (waveSize < 1) {
        errors.add("--wave: " + waveSize + "; accepted: 1 or more devices");
      }
      if (maxDownloads < 1) {
        errors.add("--max-downloads: " + maxDownloads + "; accepted: 1 or more");
      }
      if (!(maxFailureRate >= 0 && maxFailureRate <= 1)) {
        errors.add("--max-failure-rate: " + maxFailureRate + "; accepted: 0 to 1 (e.g. 0.1 for 10 %)");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        errors.add("--timeout: must be positive");
      }
      if (minResults < 1) {
        errors.add("--min-results: " + minResults + "; accepted: 1 or more devices");
      }
      return errors;
    }
  }

  /**
   * How one device ended.
   *
   * @param deviceId the device
   * @param state    its last OTA state for this rollout, or {@code null} when it gave none in time
   * @param detail   what it reported, or why it failed
   */
  public record Outcome(String deviceId, Status.Ota.State state, String detail) {
    /** Whether the device runs the new image. */
    public boolean succeeded() {
      return state == Status.Ota.State.CONFIRMED;
    }
  }

  /**
   * The end of a rollout.
   *
   * @param outcomes   every device that was sent the update, in order
   * @param notStarted devices never sent it, because the rollout stopped
   * @param stopReason why it stopped early, or {@code null} when every wave ran
   */
  public record Result(List<Outcome> outcomes, List<String> notStarted, String stopReason) {
    /** Whether every device was updated. */
    public boolean allSucceeded() {
      return stopReason == null && notStarted.isEmpty() && outcomes.stream().allMatch(Outcome::succeeded);
    }
  }

  /** Runs the plan; every device must have a retained status already (its topic is where it is reached). */
  public Result run(Plan plan) throws OtaException, InterruptedException {
    List<String> problems = new ArrayList<>(plan.problems());
    if (plan.devices().isEmpty()) {
      problems.add("--devices: no device to update");
    }
    if (!problems.isEmpty()) {
      throw new OtaException(String.join("; ", problems));
    }
    Map<String, DeviceStatuses.Seen> seen = statuses.latest();
    List<String> unknown = plan.devices().stream().filter(d -> !seen.containsKey(d)).toList();
    if (!unknown.isEmpty()) {
      throw new OtaException("--devices: no status seen from " + String.join(", ", unknown) + " on "
          + DeviceStatuses.STATUS_FILTER + "; a device is reached through the topics of its retained status");
    }
    List<String> posed = plan.devices().stream().filter(d -> statuses.topicsOf(d).size() > 1)
        .map(d -> d + " on " + String.join(" and ", statuses.topicsOf(d))).toList();
    if (!posed.isEmpty()) {
      throw new OtaException("--devices: a status with the device_id of " + String.join("; ", posed)
          + ": a device may be posing as another, and a device is reached through the topic of its status, so none"
          + " was sent the update; clear the stale retained status (mosquitto_pub -r -n -t TOPIC) or check the"
          + " device that wrote it");
    }
    BlockingQueue<DeviceStatuses.Seen> updates = new LinkedBlockingQueue<>();
    Runnable unsubscribe = statuses.onStatus(updates::add);
    try {
      return runWaves(plan, seen, updates);
    } finally {
      unsubscribe.run();
    }
  }

  private Result runWaves(Plan plan, Map<String, DeviceStatuses.Seen> seen,
      BlockingQueue<DeviceStatuses.Seen> updates) throws OtaException, InterruptedException {
    String run = "ota-" + plan.manifest().manifest().version() + "-" + Long.toString(clock.millis(), 36);
    List<Outcome> outcomes = new ArrayList<>();
    List<List<String>> waves = waves(plan);
    for (int w = 0; w < waves.size(); w++) {
      out.accept("wave " + (w + 1) + "/" + waves.size() + (w == 0 ? " (canary)" : "") + ": "
          + String.join(", ", waves.get(w)));
      Wave wave = runWave(plan, run, waves.get(w), w == 0, outcomes, seen, updates);
      outcomes.addAll(wave.outcomes());
      String stop = wave.stop() != null ? wave.stop() : stopReason(plan, w == 0, outcomes, true);
      List<String> rest = new ArrayList<>(wave.notStarted());
      waves.subList(w + 1, waves.size()).forEach(rest::addAll);
      if (stop != null && !rest.isEmpty()) {
        return new Result(outcomes, rest, stop);
      }
    }
    return new Result(outcomes, List.of(), null);
  }

  /**
   * Why the rollout must stop after {@code finished}, or null. In a wave's middle ({@code waveEnded} false) the
   * failure rate counts only once {@link Plan#minResults()} devices finished: one early failure of many is noise.
   */
  private static String stopReason(Plan plan, boolean canary, List<Outcome> finished, boolean waveEnded) {
    long failures = finished.stream().filter(o -> !o.succeeded()).count();
    if (canary && failures > 0) {
      return "the canary wave failed (" + failures + " of " + finished.size() + ")";
    }
    if (finished.isEmpty() || !waveEnded && finished.size() < plan.minResults()) {
      return null;
    }
    return (double) failures / finished.size() > plan.maxFailureRate()
        ? "failure rate " + failures + "/" + finished.size() + " is above --max-failure-rate " + plan.maxFailureRate()
            + (waveEnded ? "" : " (within the wave)")
        : null;
  }

  /** How a wave ended: its devices' outcomes in the order they were sent, those never sent, and why it stopped. */
  private record Wave(List<Outcome> outcomes, List<String> notStarted, String stop) {}

  private static List<List<String>> waves(Plan plan) {
    List<List<String>> waves = new ArrayList<>();
    List<String> all = plan.devices();
    int canary = Math.min(plan.canary(), all.size());
    waves.add(all.subList(0, canary));
    for (int i = canary; i < all.size(); i += plan.waveSize()) {
      waves.add(all.subList(i, Math.min(all.size(), i + plan.waveSize())));
    }
    return waves;
  }

  /**
   * One device in flight: the request it was sent, when, whether it is still downloading, and the topic its
   * progress must come from (its status topic: another device could name it in a status of its own).
   */
  private static final class InFlight {
    final String requestId;
    final Instant sent;
    final String statusTopic;
    boolean downloading = true;
    Status.Ota last;

    InFlight(String requestId, Instant sent, String statusTopic) {
      this.requestId = requestId;
      this.sent = sent;
      this.statusTopic = statusTopic;
    }
  }

  private Wave runWave(Plan plan, String run, List<String> wave, boolean canary, List<Outcome> before,
      Map<String, DeviceStatuses.Seen> seen, BlockingQueue<DeviceStatuses.Seen> updates)
      throws OtaException, InterruptedException {
    Map<String, Outcome> done = new LinkedHashMap<>();
    Map<String, InFlight> active = new LinkedHashMap<>();
    int next = 0;
    String stop = null;
    while (!active.isEmpty() || stop == null && next < wave.size()) {
      long downloading = active.values().stream().filter(f -> f.downloading).count();
      while (stop == null && next < wave.size() && downloading < plan.maxDownloads()) {
        String device = wave.get(next);
        String requestId = run + "-" + plan.devices().indexOf(device);
        statuses.send(seen.get(device).commandTopic(), command(plan, requestId, device));
        active.put(device, new InFlight(requestId, clock.instant(), seen.get(device).topic()));
        out.accept(device + ": sent " + requestId);
        next++;
        downloading++;
      }
      int finished = done.size();
      DeviceStatuses.Seen s = updates.poll(POLL_MS, TimeUnit.MILLISECONDS);
      if (s != null) {
        track(s, active, done);
      }
      expire(plan, active, done);
      if (stop == null && done.size() > finished) {
        List<Outcome> all = new ArrayList<>(before);
        all.addAll(done.values());
        stop = stopReason(plan, canary, all, false);
        if (stop != null && next < wave.size()) {
          out.accept("stopping: " + stop + "; " + (wave.size() - next) + " device(s) of this wave not sent the update"
              + (active.isEmpty() ? "" : ", waiting for the " + active.size() + " already sent it"));
        }
      }
    }
    List<String> sent = wave.subList(0, next);
    return new Wave(sent.stream().map(done::get).toList(), wave.subList(next, wave.size()),
        next < wave.size() ? stop : null);
  }

  /** Ends, as failed, the devices not confirmed within the plan's timeout. */
  private void expire(Plan plan, Map<String, InFlight> active, Map<String, Outcome> done) {
    for (var it = active.entrySet().iterator(); it.hasNext();) {
      var e = it.next();
      InFlight f = e.getValue();
      if (Duration.between(f.sent, clock.instant()).compareTo(plan.timeout()) > 0) {
        String last = f.last == null
            ? "no progress reported"
            : "last reported " + stateName(f.last) + ": "
                + f.last.detail();
        Outcome o = new Outcome(e.getKey(), null, "not confirmed within " + plan.timeout().toSeconds() + " s; "
            + last);
        done.put(o.deviceId(), o);
        out.accept(o.deviceId() + ": failed: " + o.detail());
        it.remove();
      }
    }
  }

  private void track(DeviceStatuses.Seen s, Map<String, InFlight> active, Map<String, Outcome> done) {
    Status.Ota ota = s.status().ota();
    InFlight f = active.get(s.status().deviceId());
    if (f == null || ota == null || !ota.requestId().equals(f.requestId) || !s.topic().equals(f.statusTopic)) {
      return;
    }
    f.last = ota;
    out.accept(s.status().deviceId() + ": " + stateName(ota) + " " + ota.version() + ": " + ota.detail());
    if (ota.state() != Status.Ota.State.DOWNLOADING) {
      f.downloading = false; // its download slot is free for the next device
    }
    if (ota.state().terminal()) {
      done.put(s.status().deviceId(), new Outcome(s.status().deviceId(), ota.state(), ota.detail()));
      active.remove(s.status().deviceId());
    }
  }

  /** The state as the device wrote it, e.g. rolled_back. */
  static String stateName(Status.Ota ota) {
    return ota.state().name().toLowerCase(Locale.ROOT);
  }

  private static String command(Plan plan, String requestId, String deviceId) {
    SignedManifest m = plan.manifest();
    return Payloads.toJson(new Command.Ota(requestId, plan.url(), m.manifest().sha256(), m.signatureBase64(),
        m.manifest().version(), m.manifestBase64(), deviceId));
  }
}
