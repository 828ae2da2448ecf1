package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real process writes durable messages and is killed with SIGKILL mid-run, a few times over; every
 * message it was told was durable must be in the store afterwards, in order.
 */
class StoreCrashTest {
  private static final int CYCLES = 4;
  @TempDir
  Path dir;

  @Test
  void everyAcknowledgedMessageSurvivesKillMinus9() throws Exception {
    Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      long acksThisCycle = runAndKill(acknowledged);
      assertThat(acksThisCycle).as("acknowledged in cycle %d", cycle).isPositive();
      try (DurableStore store = DurableStore.open(StoreOptions.groupCommit(dir))) {
        List<StoredDelivery> q = store.recover().queues().get("c");
        Set<Long> recovered = new HashSet<>();
        long previous = -1;
        for (StoredDelivery d : q) {
          assertThat(d.id()).isGreaterThan(previous);
          assertThat(d.message().topic()).isEqualTo("crash/" + d.id());
          previous = d.id();
          recovered.add(d.id());
        }
        assertThat(recovered).containsAll(acknowledged);
      }
    }
  }

  /** Starts the writer, lets it run for a random while after it is ready, kills it; returns its acks. */
  private long runAndKill(Set<Long> acknowledged) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process p = new ProcessBuilder(java.toString(), "--enable-native-access=ALL-UNNAMED",
        "-cp", System.getProperty("java.class.path"), StoreCrashWriter.class.getName(), dir.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    AtomicLong acks = new AtomicLong();
    Thread reader = Thread.ofPlatform().start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.startsWith("ACK ") && line.endsWith(" ok")) {
            acknowledged.add(Long.parseLong(line.substring(4, line.length() - 3)));
            acks.incrementAndGet();
          }
        }
      } catch (Exception e) {
        // the process was killed mid-line: a torn last line is not an acknowledgement
      }
    });
    await().atMost(Duration.ofSeconds(30)).until(() -> acks.get() >= 1_000 || !p.isAlive());
    // then kill at a random moment of the stream, not right after the 1,000th acknowledgement
    int killAfterMillis = ThreadLocalRandom.current().nextInt(50, 400);
    await().pollDelay(Duration.ofMillis(killAfterMillis)).until(() -> true);
    p.destroyForcibly(); // SIGKILL
    p.waitFor(10, TimeUnit.SECONDS);
    reader.join(10_000);
    return acks.get();
  }
}
