package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Checks user names and passwords against a Mosquitto password file. Hashing runs on a small bounded
 * pool, never on the caller's event loop, and passwords verified once are remembered as keyed HMACs so
 * that a reconnect storm costs microseconds per client instead of a full PBKDF2 each.
 */
public final class PasswordAuthenticator implements Authenticator, AutoCloseable {

  /**
   * Pool sizing and the verified-credential cache.
   *
   * @param threads hashing threads; hashing is pure CPU, so more than the cores only adds latency
   * @param queueCapacity checks waiting for a thread; beyond it a CONNECT is refused as "server busy"
   * @param cache whether to remember verified passwords (as HMAC-SHA256 under a per-process key)
   */
  public record Options(int threads, int queueCapacity, boolean cache) {
    public Options {
      if (threads < 1 || queueCapacity < 1) {
        throw new IllegalArgumentException("threads and queueCapacity must be at least 1");
      }
    }

    /** One thread per core, room for a 16,384-client reconnect storm, cache on. */
    public static Options defaults() {
      return new Options(Runtime.getRuntime().availableProcessors(), 16_384, true);
    }
  }

  /** The reason given when the queue is full: the broker wiring maps it to "server busy". */
  public static final String SERVER_BUSY = "server busy: too many password checks waiting";

  private record Snapshot(PasswordFile file, PasswordHash dummy) {}

  private final Path path;
  private final boolean allowAnonymous;
  private final ThreadPoolExecutor pool;
  private final VerifiedCache cache;
  private final SecureRandom random = new SecureRandom();
  private final AtomicLong hashes = new AtomicLong();
  private final ConcurrentHashMap<InFlightKey, CompletableFuture<Result>> inFlight = new ConcurrentHashMap<>();
  private volatile Snapshot snapshot;
  /** Test hook run on the worker before each check. */
  volatile Runnable beforeCheck = () -> {};

  /** Reads {@code passwordFile} with the default options; fails if any line is unusable. */
  public PasswordAuthenticator(Path passwordFile, boolean allowAnonymous) throws IOException, ConfigException {
    this(passwordFile, allowAnonymous, Options.defaults());
  }

  public PasswordAuthenticator(Path passwordFile, boolean allowAnonymous, Options options)
      throws IOException, ConfigException {
    this.path = passwordFile;
    this.allowAnonymous = allowAnonymous;
    this.cache = options.cache() ? new VerifiedCache(random) : null;
    this.snapshot = snapshotOf(PasswordFile.read(passwordFile));
    AtomicInteger n = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(options.queueCapacity()), r -> {
          Thread t = new Thread(r, "flux-password-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  private Snapshot snapshotOf(PasswordFile file) {
    return new Snapshot(file, file.dummyHash(random));
  }

  /**
   * Re-reads the password file. On success the new content applies to the next check and cached
   * verifications of changed or removed users are dropped; on error the old content stays in force.
   *
   * @return every problem found, as {@code passwd:3: ...}; empty when the new content was applied
   */
  public List<String> reload() {
    PasswordFile file;
    try {
      file = PasswordFile.read(path);
    } catch (ConfigException e) {
      return e.errors();
    } catch (IOException e) {
      return List.of(path + ": cannot read: " + e.getMessage());
    }
    snapshot = snapshotOf(file);
    if (cache != null) {
      cache.retainCurrent(file);
    }
    return List.of();
  }

  /** The content in force: what the last successful read or reload found. */
  public PasswordFile passwordFile() {
    return snapshot.file();
  }

  @Override
  public CompletionStage<Result> authenticate(Credentials c) {
    if (c.certificateVerified()) {
      return CompletableFuture.completedFuture(Result.allow()); // TLS verified the certificate: no password
    }
    if (c.username() == null) {
      return CompletableFuture.completedFuture(allowAnonymous
          ? Result.allow()
          : Result.notAuthorized("anonymous access is disabled (allow_anonymous false)"));
    }
    if (c.password() == null) {
      return CompletableFuture.completedFuture(Result.badCredentials("user " + quote(c.username())
          + " sent no password"));
    }
    // Our own copy: the caller clears its array once the result is in.
    byte[] password = c.password().clone();
    CompletableFuture<Result> result = new CompletableFuture<>();
    try {
      pool.execute(() -> {
        try {
          beforeCheck.run();
          checkOnce(c.username(), password, result);
        } catch (RuntimeException e) {
          result.completeExceptionally(e);
        } finally {
          Arrays.fill(password, (byte) 0);
        }
      });
    } catch (RejectedExecutionException e) {
      Arrays.fill(password, (byte) 0);
      return CompletableFuture.completedFuture(Result.serverBusy(SERVER_BUSY));
    }
    return result;
  }

  /**
   * Runs the check, unless the same user with the same password is being checked right now: then it
   * shares that answer, so a storm of clients with one shared credential costs one hash, not thousands.
   */
  private void checkOnce(String username, byte[] password, CompletableFuture<Result> result) {
    if (cache == null) {
      result.complete(check(username, password));
      return;
    }
    InFlightKey key = new InFlightKey(username, ByteBuffer.wrap(cache.mac(username, password)));
    CompletableFuture<Result> running = inFlight.putIfAbsent(key, result);
    if (running != null) {
      running.whenComplete((r, e) -> {
        if (e != null) {
          result.completeExceptionally(e);
        } else {
          result.complete(r);
        }
      });
      return;
    }
    try {
      result.complete(check(username, password));
    } finally {
      inFlight.remove(key, result);
    }
  }

  private record InFlightKey(String username, ByteBuffer mac) {}

  private Result check(String username, byte[] password) {
    Snapshot s = snapshot;
    PasswordHash hash = s.file().hash(username);
    if (hash == null) {
      hashes.incrementAndGet();
      s.dummy().matches(password); // spend the time a known user costs; the answer is no either way
      return Result.badCredentials("unknown user " + quote(username));
    }
    if (cache != null && cache.contains(username, hash, password)) {
      return Result.allow();
    }
    hashes.incrementAndGet();
    if (!hash.matches(password)) {
      return Result.badCredentials("wrong password for user " + quote(username));
    }
    if (cache != null) {
      cache.put(username, hash, password);
    }
    return Result.allow();
  }

  // User names come from the network: keep control characters out of the log lines they appear in.
  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().forEach(cp -> {
      if (Character.isISOControl(cp)) {
        b.append(String.format("\\u%04x", cp));
      } else {
        b.appendCodePoint(cp);
      }
    });
    return b.append('"').toString();
  }

  /** Full hash computations so far (known and unknown users), for tests and metrics. */
  long hashComputations() {
    return hashes.get();
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }
}
