package io.openegiz.flux.broker.security;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.broker.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordFileTest {
  // Independent vectors (Python hashlib): salt 01..0c; "secret" for $6$, the empty password for $7$.
  static final String LEGACY_SECRET = "$6$AQIDBAUGBwgJCgsM$XtaqFTpVqKCBusKxL7Sra"
      + "mYPpHVSOw+CXtRUIv0PpX6q57MW1a1RUVsLMxkhMn6"
      + "XOYi3uYMZcGrMAEzcnh9EoA==";
  static final String PBKDF2_EMPTY_5 = "$7$5$AQIDBAUGBwgJCgsM$cMMfFCXjqBr1BD2v09Z7lTvy8dg6cfyWw+lFUx2YsHRDuVuMs8mf3L"
      + "F45dp+GbCsc6qrksHxqpVoGnniOVuazA==";

  @TempDir
  Path dir;

  @Test
  void readsWhatMosquittoPasswdWrites() throws Exception {
    Path file = dir.resolve("passwd");
    MosquittoPasswd.add(file, "alice", "s3cret", true, null);
    MosquittoPasswd.add(file, "bob", "hunter2 ü", false, null);
    MosquittoPasswd.add(file, "carol", "old-style", false, "sha512");
    PasswordFile pf = PasswordFile.read(file);
    assertThat(pf.users()).containsExactly("alice", "bob", "carol");
    PasswordHash alice = pf.hash("alice");
    assertThat(alice.isPbkdf2()).isTrue();
    assertThat(alice.encoded()).startsWith("$7$101$").matches("\\$7\\$101\\$[A-Za-z0-9+/]{16}\\$.{88}");
    assertThat(alice.matches("s3cret".getBytes(UTF_8))).isTrue();
    assertThat(alice.matches("s3cre".getBytes(UTF_8))).isFalse();
    assertThat(pf.hash("bob").matches("hunter2 ü".getBytes(UTF_8))).isTrue();
    assertThat(pf.hash("carol").isPbkdf2()).isFalse();
    assertThat(pf.hash("carol").matches("old-style".getBytes(UTF_8))).isTrue();
    assertThat(pf.hash("carol").matches("old-styl".getBytes(UTF_8))).isFalse();
  }

  @Test
  void knownVectors() {
    assertThat(PasswordHash.parse(LEGACY_SECRET).matches("secret".getBytes(UTF_8))).isTrue();
    assertThat(PasswordHash.parse(LEGACY_SECRET).matches("Secret".getBytes(UTF_8))).isFalse();
    assertThat(PasswordHash.parse(PBKDF2_EMPTY_5).matches(new byte[0])).isTrue();
    assertThat(PasswordHash.parse(PBKDF2_EMPTY_5).matches("x".getBytes(UTF_8))).isFalse();
  }

  @Test
  void createdHashesRoundTrip() {
    PasswordHash h = PasswordHash.create("pw".getBytes(UTF_8), 1000, new SecureRandom());
    PasswordHash read = PasswordHash.parse(h.encoded());
    assertThat(read).isEqualTo(h);
    assertThat(read.iterations()).isEqualTo(1000);
    assertThat(read.matches("pw".getBytes(UTF_8))).isTrue();
    assertThat(h.toString()).isEqualTo("$7$1000$...");
  }

  @Test
  void plaintextLineIsRefusedWithoutQuotingThePassword() {
    List<String> lines = List.of("# users", "alice:" + LEGACY_SECRET, "bob:TopSecret99");
    assertThatThrownBy(() -> PasswordFile.parse("passwd", lines))
        .isInstanceOf(ConfigException.class)
        .hasMessage("passwd:3: user \"bob\": password is not hashed; accepted: $7$ (PBKDF2-SHA512) or $6$ lines"
            + " as written by mosquitto_passwd or flux passwd")
        .message().doesNotContain("TopSecret99");
  }

  @Test
  void everyErrorIsReportedAtOnce() {
    List<String> lines = List.of(
        "", // 1 ignored
        "  # comment", // 2 ignored
        "no-colon-here", // 3
        ":" + LEGACY_SECRET, // 4 empty user
        "alice:" + LEGACY_SECRET, // 5 fine
        "alice:" + PBKDF2_EMPTY_5, // 6 duplicate
        "bob:$7$many$AQID$AQID", // 7 iterations
        "carol:$7$101$AQID", // 8 missing part
        "dave:$6$!!!$AQID", // 9 bad base64
        "erin:$6$AQIDBAUGBwgJCgsM$AQID", // 10 short hash
        "frank:$7$0$AQIDBAUGBwgJCgsM$AQID", // 11 zero iterations
        "gina:" + LEGACY_SECRET + "\r"); // 12 fine: CR stripped
    ConfigException e = (ConfigException) org.assertj.core.api.Assertions.catchThrowable(
        () -> PasswordFile.parse("pw", lines));
    assertThat(e.errors()).hasSize(8);
    assertThat(e.errors().get(0)).startsWith("pw:3: no ':'");
    assertThat(e.errors().get(1)).startsWith("pw:4: empty user name");
    assertThat(e.errors().get(2)).isEqualTo("pw:6: user \"alice\": duplicate, first defined on line 5");
    assertThat(e.errors().get(3)).startsWith("pw:7: user \"bob\": iteration count must be 1..");
    assertThat(e.errors().get(4)).startsWith("pw:8: user \"carol\": malformed $7$ hash");
    assertThat(e.errors().get(5)).startsWith("pw:9: user \"dave\": salt is not valid Base64");
    assertThat(e.errors().get(6)).startsWith("pw:10: user \"erin\": hash is 3 bytes, expected 64");
    assertThat(e.errors().get(7)).startsWith("pw:11: user \"frank\": iteration count");
  }

  @Test
  void commentsBlankLinesAndCrlfAreAccepted() throws Exception {
    Path file = dir.resolve("crlf");
    Files.writeString(file, "# header\r\n\r\nalice:" + LEGACY_SECRET + "\r\n   \n");
    PasswordFile pf = PasswordFile.read(file);
    assertThat(pf.users()).containsExactly("alice");
    assertThat(pf.source()).isEqualTo("crlf");
  }

  @Test
  void typicalIterationsIsTheMostCommonCount() throws Exception {
    SecureRandom r = new SecureRandom();
    PasswordFile pf = PasswordFile.parse("p", List.of(
        "a:" + PasswordHash.create(new byte[1], 7, r).encoded(),
        "b:" + PasswordHash.create(new byte[1], 3, r).encoded(),
        "c:" + PasswordHash.create(new byte[1], 3, r).encoded(),
        "d:" + LEGACY_SECRET));
    assertThat(pf.typicalIterations(1)).isEqualTo(3);
    assertThat(PasswordFile.parse("p", List.of("d:" + LEGACY_SECRET)).typicalIterations(1)).isEqualTo(1);
  }
}
