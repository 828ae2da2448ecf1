package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-connection ACL decisions: one walk of the rules per topic, dropped on reload and on a new identity. */
class AclCacheTest {
  private static final ClientIdentity SENSOR = new ClientIdentity("oven-001", "esp32-oven001", null, "test");
  private static final ClientIdentity OTHER = new ClientIdentity("oven-001", "esp32-mixer001", null, "test");
  private static final String TELEMETRY = "openegiz/factory-a/oven/oven-001/electrical/telemetry";

  @TempDir
  Path dir;

  /** A real ACL file's authorizer that counts how often the cache asks it. */
  private static final class Counting implements Authorizer {
    final AclAuthorizer acl;
    final AtomicInteger asked = new AtomicInteger();

    Counting(AclAuthorizer acl) {
      this.acl = acl;
    }

    @Override
    public boolean canPublish(ClientIdentity c, String t) {
      asked.incrementAndGet();
      return acl.canPublish(c, t);
    }

    @Override
    public boolean canSubscribe(ClientIdentity c, String f) {
      return acl.canSubscribe(c, f);
    }

    @Override
    public boolean canReceive(ClientIdentity c, String t) {
      asked.incrementAndGet();
      return acl.canReceive(c, t);
    }

    @Override
    public long generation() {
      return acl.generation();
    }
  }

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("acl.conf"), text);
  }

  private Counting acl(String text) throws Exception {
    return new Counting(new AclAuthorizer(write(text)));
  }

  @Test
  void aTopicIsDecidedOnceThenRemembered() throws Exception {
    Counting a = acl("user esp32-oven001\ntopic write openegiz/+/+/oven-001/+/telemetry\n"
        + "topic read openegiz/+/+/oven-001/command\n");
    AclCache pub = AclCache.publishes(a);
    AclCache reads = AclCache.receives(a);
    for (int i = 0; i < 1000; i++) {
      assertThat(pub.allows(SENSOR, TELEMETRY)).isTrue();
      assertThat(pub.allows(SENSOR, "openegiz/factory-a/oven/oven-002/electrical/telemetry")).isFalse();
      assertThat(reads.allows(SENSOR, "openegiz/factory-a/oven/oven-001/command")).isTrue();
      assertThat(reads.allows(SENSOR, TELEMETRY)).isFalse(); // write right only: no read
    }
    assertThat(a.asked).hasValue(4);
  }

  /** Guards the generation check: without it the decision made before the reload would stand. */
  @Test
  void aReloadDropsEveryDecision() throws Exception {
    Counting a = acl("user esp32-oven001\ntopic readwrite openegiz/#\n");
    AclCache pub = AclCache.publishes(a);
    AclCache reads = AclCache.receives(a);
    assertThat(pub.allows(SENSOR, TELEMETRY)).isTrue();
    assertThat(reads.allows(SENSOR, TELEMETRY)).isTrue();
    write("user esp32-oven001\ntopic readwrite openegiz/#\ntopic deny openegiz/+/+/+/+/telemetry\n");
    assertThat(a.acl.reload()).isEmpty();
    assertThat(pub.allows(SENSOR, TELEMETRY)).isFalse();
    assertThat(reads.allows(SENSOR, TELEMETRY)).isFalse();
  }

  @Test
  void aRefusedReloadKeepsTheDecisions() throws Exception {
    Counting a = acl("user esp32-oven001\ntopic readwrite openegiz/#\n");
    AclCache pub = AclCache.publishes(a);
    AclCache reads = AclCache.receives(a);
    assertThat(pub.allows(SENSOR, TELEMETRY)).isTrue();
    write("user esp32-oven001\ntopic sometimes openegiz/#\n");
    assertThat(a.acl.reload()).isNotEmpty();
    assertThat(pub.allows(SENSOR, TELEMETRY)).isTrue();
    assertThat(a.asked).hasValue(1);
  }

  /** A session taken over by another user (session_ownership client_id): that user's rights, not the old ones. */
  @Test
  void anotherIdentityDoesNotInheritTheDecisions() throws Exception {
    Counting a = acl("user esp32-oven001\ntopic readwrite openegiz/#\nuser esp32-mixer001\ntopic read nothing\n");
    AclCache pub = AclCache.publishes(a);
    AclCache reads = AclCache.receives(a);
    assertThat(reads.allows(SENSOR, TELEMETRY)).isTrue();
    assertThat(reads.allows(OTHER, TELEMETRY)).isFalse();
    assertThat(pub.allows(OTHER, TELEMETRY)).isFalse();
  }

  /** Past its capacity the cache keeps what it has and asks for the rest: right answers, bounded memory. */
  @Test
  void beyondItsCapacityEveryAnswerIsStillRightAndTheCacheStopsGrowing() throws Exception {
    Counting a = acl("user esp32-oven001\ntopic read openegiz/#\ntopic deny openegiz/+/+/+/+/secret\n");
    AclCache reads = AclCache.receives(a);
    int topics = AclCache.CAPACITY + 1000;
    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < topics; i++) {
        assertThat(reads.allows(SENSOR, "openegiz/f/oven/d" + i + "/x/" + (i % 7 == 0 ? "secret" : "telemetry")))
            .isEqualTo(i % 7 != 0);
      }
    }
    assertThat(reads.size()).isEqualTo(AclCache.CAPACITY);
    assertThat(a.asked).hasValue(topics + 1000); // the second round asks only for the 1,000 not kept
  }

  /** Without an ACL there is nothing to remember: no lookup, no map, the answer straight from the authorizer. */
  @Test
  void withoutAnAclNothingIsRemembered() {
    AclCache reads = AclCache.receives(Authorizer.ALLOW_ALL);
    AclCache publishes = AclCache.publishes(Authorizer.ALLOW_ALL);
    assertThat(reads.allows(SENSOR, TELEMETRY)).isTrue();
    assertThat(publishes.allows(SENSOR, TELEMETRY)).isTrue();
    assertThat(reads.size() + publishes.size()).isZero();
  }
}
