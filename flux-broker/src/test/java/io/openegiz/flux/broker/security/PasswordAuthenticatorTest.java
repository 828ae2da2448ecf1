package io.openegiz.flux.broker.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.security.Authenticator.Credentials;
import io.openegiz.flux.broker.security.Authenticator.Result;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordAuthenticatorTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir
  Path dir;
  private PasswordAuthenticator auth;

  @AfterEach
  void close() {
    if (auth != null) {
      auth.close();
    }
  }

  private Path file(String... userPassword) throws Exception {
    Path f = dir.resolve("passwd");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < userPassword.length; i += 2) {
      b.append(userPassword[i]).append(':')
          .append(PasswordHash.create(userPassword[i + 1].getBytes(UTF_8), 50, RANDOM).encoded()).append('\n');
    }
    Files.writeString(f, b);
    return f;
  }

  private static Result check(PasswordAuthenticator a, String user, String password) {
    return a.authenticate(creds(user, password)).toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }

  private static Credentials creds(String user, String password) {
    return new Credentials("client", user, password == null ? null : password.getBytes(UTF_8),
        new InetSocketAddress("127.0.0.1", 1), "test", false);
  }

  @Test
  void rightPasswordIsAllowedWrongAndUnknownAreBadCredentials() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw-a"), false);
    assertThat(check(auth, "alice", "pw-a").allowed()).isTrue();
    Result wrong = check(auth, "alice", "pw-b");
    assertThat(wrong.allowed()).isFalse();
    assertThat(wrong.badCredentials()).isTrue();
    assertThat(wrong.reason()).isEqualTo("wrong password for user \"alice\"").doesNotContain("pw-b");
    assertThat(check(auth, "mallory", "pw-a").badCredentials()).isTrue();
    assertThat(check(auth, "alice", null).badCredentials()).isTrue();
  }

  @Test
  void anonymousOnlyWhenAllowed() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw"), false);
    Result refused = check(auth, null, null);
    assertThat(refused.allowed()).isFalse();
    assertThat(refused.badCredentials()).isFalse();
    try (PasswordAuthenticator open = new PasswordAuthenticator(file("alice", "pw"), true)) {
      assertThat(check(open, null, null).allowed()).isTrue();
      assertThat(check(open, "alice", "nope").allowed()).isFalse(); // a wrong password is never anonymous
    }
  }

  @Test
  void unknownUsersCostAFullHashLikeKnownOnes() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw"), false,
        new PasswordAuthenticator.Options(1, 10, false));
    check(auth, "alice", "wrong");
    assertThat(auth.hashComputations()).isEqualTo(1);
    check(auth, "nobody", "wrong");
    assertThat(auth.hashComputations()).isEqualTo(2);
    check(auth, "alice", "pw");
    check(auth, "alice", "pw"); // no cache: every check hashes
    assertThat(auth.hashComputations()).isEqualTo(4);
  }

  @Test
  void checksRunOnTheWorkerPoolNeverOnTheCaller() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw"), false);
    List<Thread> threads = new ArrayList<>();
    auth.beforeCheck = () -> threads.add(Thread.currentThread());
    assertThat(check(auth, "alice", "pw").allowed()).isTrue();
    assertThat(check(auth, "bob", "pw").allowed()).isFalse();
    assertThat(threads).hasSize(2).allSatisfy(t -> {
      assertThat(t).isNotSameAs(Thread.currentThread());
      assertThat(t.getName()).startsWith("flux-password-");
    });
  }

  @Test
  void aFullQueueAnswersServerBusyAtOnce() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw"), false, new PasswordAuthenticator.Options(1, 1, true));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    auth.beforeCheck = () -> {
      started.countDown();
      await(release);
    };
    CompletableFuture<Result> running = auth.authenticate(creds("alice", "pw")).toCompletableFuture();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    CompletableFuture<Result> queued = auth.authenticate(creds("alice", "x")).toCompletableFuture();
    Result busy = auth.authenticate(creds("alice", "y")).toCompletableFuture().getNow(null);
    assertThat(busy).isNotNull();
    assertThat(busy.reason()).isEqualTo(PasswordAuthenticator.SERVER_BUSY);
    assertThat(running).isNotDone();
    release.countDown();
    assertThat(running.get(10, TimeUnit.SECONDS).allowed()).isTrue();
    assertThat(queued.get(10, TimeUnit.SECONDS).allowed()).isFalse();
  }

  @Test
  void concurrentChecksOfOneCredentialShareOneHash() throws Exception {
    auth = new PasswordAuthenticator(file("alice", "pw"), false, new PasswordAuthenticator.Options(2, 100, true));
    CountDownLatch release = new CountDownLatch(1);
    auth.beforeCheck = () -> await(release);
    List<CompletableFuture<Result>> all = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      all.add(auth.authenticate(creds("alice", "pw")).toCompletableFuture());
    }
    release.countDown();
    for (CompletableFuture<Result> r : all) {
      assertThat(r.get(10, TimeUnit.SECONDS).allowed()).isTrue();
    }
    assertThat(auth.hashComputations()).isEqualTo(1);
  }

  @Test
  void verifiedPasswordsAreCachedUntilTheFileChanges() throws Exception {
    Path f = file("alice", "old", "bob", "bobpw");
    auth = new PasswordAuthenticator(f, false);
    assertThat(check(auth, "alice", "old").allowed()).isTrue();
    assertThat(check(auth, "bob", "bobpw").allowed()).isTrue();
    assertThat(auth.hashComputations()).isEqualTo(2);
    assertThat(check(auth, "alice", "old").allowed()).isTrue();
    assertThat(auth.hashComputations()).as("served from the cache").isEqualTo(2);
    assertThat(check(auth, "alice", "other").allowed()).as("a different password is hashed").isFalse();
    assertThat(auth.hashComputations()).isEqualTo(3);

    // alice changes password; bob's line is kept byte for byte, so his cache entry survives.
    String bobLine = Files.readAllLines(f).get(1);
    Files.writeString(f, "alice:" + PasswordHash.create("new".getBytes(UTF_8), 50, RANDOM).encoded() + "\n"
        + bobLine + "\n");
    assertThat(auth.reload()).isEmpty();
    long before = auth.hashComputations();
    assertThat(check(auth, "alice", "old").allowed()).isFalse();
    assertThat(check(auth, "alice", "new").allowed()).isTrue();
    assertThat(check(auth, "bob", "bobpw").allowed()).isTrue();
    assertThat(auth.hashComputations()).isEqualTo(before + 2);

    Files.writeString(f, bobLine + "\n"); // alice removed
    assertThat(auth.reload()).isEmpty();
    assertThat(check(auth, "alice", "new").allowed()).isFalse();
  }

  @Test
  void aBrokenFileKeepsTheOldContentAndReportsTheLine() throws Exception {
    Path f = file("alice", "pw");
    auth = new PasswordAuthenticator(f, false);
    Files.writeString(f, "# edited\nalice:plaintext-pw\n");
    List<String> errors = auth.reload();
    assertThat(errors).containsExactly("passwd:2: user \"alice\": password is not hashed; " + PasswordFile.ACCEPTED);
    assertThat(check(auth, "alice", "pw").allowed()).isTrue();
    assertThat(check(auth, "alice", "plaintext-pw").allowed()).isFalse();
    Files.delete(f);
    assertThat(auth.reload()).singleElement().asString().contains("cannot read");
    assertThat(check(auth, "alice", "pw").allowed()).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
