package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.security.Authenticator;
import io.openegiz.flux.broker.security.PasswordAuthenticator;
import io.openegiz.flux.broker.security.PasswordHash;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Password checks per second through {@link PasswordAuthenticator} on all cores, cold (a full PBKDF2
 * each: the first connect of each user after a broker restart) and cached (the next connects). Not JMH:
 * a cold check at a strong count takes a noticeable fraction of a second, so a plain loop is accurate.
 * Arguments: iteration counts, default {@code 101 1000 4096 210000}.
 */
public final class PasswordCheckThroughput {

  public static void main(String[] args) throws Exception {
    int[] counts = args.length == 0
        ? new int[] {101, 1000, 4096, 210_000}
        : java.util.Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    System.out.printf("cores=%d java=%s%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"));
    System.out.printf("%10s %8s %14s %14s %22s%n", "iterations", "users", "cold checks/s", "cached checks/s",
        "10k distinct cold (s)");
    for (int iterations : counts) {
      run(iterations);
    }
  }

  private static void run(int iterations) throws Exception {
    // Enough users for about two seconds of cold work, at least 2 per core.
    int users = Math.max(8, Math.min(4000, 200_000_000 / (iterations * 400)));
    Path file = Files.createTempFile("flux-bench", ".passwd");
    SecureRandom random = new SecureRandom();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < users; i++) {
      text.append("user").append(i).append(':')
          .append(PasswordHash.create(password(i), iterations, random).encoded()).append('\n');
    }
    Files.writeString(file, text);
    try (PasswordAuthenticator auth = new PasswordAuthenticator(file, false)) {
      checkAll(auth, "user", users, users); // JIT warm-up; the renamed users below start cold again
      Files.writeString(file, text.toString().replace("user", "u"));
      if (!auth.reload().isEmpty()) {
        throw new IllegalStateException("reload failed");
      }
      double cold = checkAll(auth, "u", users, users);
      checkAll(auth, "u", 10_000, users);
      double cached = checkAll(auth, "u", 100_000, users);
      System.out.printf("%10d %8d %14.0f %15.0f %22.1f%n", iterations, users, cold, cached, 10_000 / cold);
    } finally {
      Files.delete(file);
    }
  }

  /** Submits {@code checks} connects in storms of 10,000, cycling over {@code users} users. */
  private static double checkAll(PasswordAuthenticator auth, String prefix, int checks, int users) {
    long start = System.nanoTime();
    for (int from = 0; from < checks; from += 10_000) {
      storm(auth, prefix, from, Math.min(checks, from + 10_000), users);
    }
    return checks / ((System.nanoTime() - start) / 1e9);
  }

  private static void storm(PasswordAuthenticator auth, String prefix, int from, int to, int users) {
    List<CompletableFuture<Authenticator.Result>> results = new ArrayList<>(to - from);
    for (int i = from; i < to; i++) {
      int u = i % users;
      results.add(auth.authenticate(new Authenticator.Credentials("c" + i, prefix + u, password(u),
          InetSocketAddress.createUnresolved("bench", 1), "bench", false)).toCompletableFuture());
    }
    for (CompletableFuture<Authenticator.Result> r : results) {
      if (!r.join().allowed()) {
        throw new IllegalStateException("check refused: " + r.join().reason());
      }
    }
  }

  private static byte[] password(int i) {
    return ("secret-" + i).getBytes(StandardCharsets.UTF_8);
  }
}
