package io.openegiz.flux.broker.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.security.PasswordFile;
import io.openegiz.flux.broker.security.PasswordHash;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth of http_listener: an unknown user costs a hash like a known one (no timing: the hasher is counted). */
class HttpAuthTest {
  @TempDir
  Path dir;

  private static String basic(String user, String password) {
    return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void anUnknownUserIsCheckedAgainstADummyHash() throws Exception {
    Path passwd = Files.writeString(dir.resolve("passwd"), "prometheus:" + PasswordHash.create(
        "scrape-me".getBytes(StandardCharsets.UTF_8), 1000, new SecureRandom()).encoded() + "\n");
    HttpAuth auth = HttpAuth.of(new HttpConfig(0, "127.0.0.1", "test").withAuth(null, passwd), Clock.systemUTC());

    assertThat(auth.allowed(basic("nobody", "scrape-me"))).isFalse();
    assertThat(auth.hashes()).as("the unknown user's password was hashed").isEqualTo(1);
    assertThat(auth.allowed(basic("prometheus", "wrong"))).isFalse();
    assertThat(auth.hashes()).isEqualTo(2);
    assertThat(auth.allowed(basic("prometheus", "scrape-me"))).isTrue();
    assertThat(auth.hashes()).isEqualTo(3);
    PasswordHash dummy = PasswordFile.read(passwd).dummyHash(new SecureRandom());
    assertThat(dummy.isPbkdf2()).isTrue();
    assertThat(dummy.iterations()).as("the cost of the file's users").isEqualTo(1000);
  }
}
