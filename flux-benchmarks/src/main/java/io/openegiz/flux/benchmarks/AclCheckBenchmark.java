package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.security.AclAuthorizer;
import io.openegiz.flux.broker.security.AclCache;
import io.openegiz.flux.broker.security.ClientIdentity;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The ACL checks of every message at the spec's shape: 10,000 sensors, each a user of its own with the shipped
 * ACL's four lines, publishing to its telemetry topic; two subscribers (EgizCore and the archiver, {@code read
 * openegiz/#}) each checked on delivery of every sensor's topic; and the same with {@code pattern} rules
 * ({@code %c}) instead of 10,000 user sections. Each call takes the next sensor, so no check repeats back to back.
 * The {@code Cached} methods go through {@link AclCache} as the broker does since issue 13; the others are the walk
 * of the rules the broker made for every message before.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AclCheckBenchmark {
  static final int SENSORS = 10_000;

  private AclAuthorizer users;
  private AclAuthorizer patterns;
  private ClientIdentity[] sensors;
  private String[] topics;
  private ClientIdentity egizCore;
  private AclCache[] sensorCaches; // one per connection, as the broker keeps them
  private AclCache egizCoreCache; // the subscriber's session
  private int next;

  @Setup
  public void setup() throws IOException, ConfigException {
    List<String> perUser = new ArrayList<>(List.of("user egizcore", "topic read openegiz/#",
        "topic write openegiz/+/+/+/command", "user archiver", "topic read openegiz/#"));
    sensors = new ClientIdentity[SENSORS];
    topics = new String[SENSORS];
    for (int i = 0; i < SENSORS; i++) {
      String device = "oven-" + i;
      String user = "esp32-" + device;
      perUser.add("user " + user);
      perUser.add("topic write openegiz/+/+/" + device + "/electrical/telemetry");
      perUser.add("topic write openegiz/+/+/" + device + "/electrical/status");
      perUser.add("topic write openegiz/+/+/" + device + "/electrical/response");
      perUser.add("topic read openegiz/+/+/" + device + "/command");
      sensors[i] = new ClientIdentity(user, user, new InetSocketAddress("127.0.0.1", 10_000 + i), "0.0.0.0:8883");
      topics[i] = "openegiz/factory-a/oven/" + device + "/electrical/telemetry";
    }
    List<String> pattern = List.of("user egizcore", "topic read openegiz/#", "topic write openegiz/+/+/+/command",
        "user archiver", "topic read openegiz/#",
        "pattern write openegiz/+/+/%c/+/telemetry", "pattern write openegiz/+/+/%c/+/status",
        "pattern read openegiz/+/+/%c/command");
    for (int i = 0; i < SENSORS; i++) {
      String device = "oven-" + i;
      sensors[i] = new ClientIdentity(device, "esp32-" + device, sensors[i].remoteAddress(), "0.0.0.0:8883");
    }
    users = new AclAuthorizer(write(perUser));
    patterns = new AclAuthorizer(write(pattern));
    egizCore = new ClientIdentity("egizcore", "egizcore", new InetSocketAddress("127.0.0.1", 9999), "0.0.0.0:8883");
    sensorCaches = new AclCache[SENSORS];
    for (int i = 0; i < SENSORS; i++) {
      sensorCaches[i] = AclCache.publishes(users);
    }
    egizCoreCache = AclCache.receives(patterns);
  }

  private static Path write(List<String> lines) throws IOException {
    Path f = Files.createTempFile("acl", ".conf");
    f.toFile().deleteOnExit();
    return Files.write(f, lines);
  }

  private int nextSensor() {
    int i = next;
    next = i + 1 == SENSORS ? 0 : i + 1;
    return i;
  }

  /** A sensor's PUBLISH against its own user section. */
  @Benchmark
  public boolean publishUserSections() {
    int i = nextSensor();
    return users.canPublish(sensors[i], topics[i]);
  }

  /** A sensor's PUBLISH against {@code pattern write openegiz/+/+/%c/+/telemetry}. */
  @Benchmark
  public boolean publishPatterns() {
    int i = nextSensor();
    return patterns.canPublish(sensors[i], topics[i]);
  }

  /** EgizCore's delivery check of a sensor's message (the pattern ACL: deny patterns are walked too). */
  @Benchmark
  public boolean deliverToSubscriber() {
    return patterns.canReceive(egizCore, topics[nextSensor()]);
  }

  /** {@link #publishUserSections} through the connection's {@link AclCache}, as the broker checks a PUBLISH. */
  @Benchmark
  public boolean publishUserSectionsCached() {
    int i = nextSensor();
    return sensorCaches[i].allows(sensors[i], topics[i]);
  }

  /** {@link #deliverToSubscriber} through the session's {@link AclCache}, as the broker checks a delivery. */
  @Benchmark
  public boolean deliverToSubscriberCached() {
    return egizCoreCache.allows(egizCore, topics[nextSensor()]);
  }
}
