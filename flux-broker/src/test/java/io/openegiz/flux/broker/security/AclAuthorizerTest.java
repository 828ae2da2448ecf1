package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.broker.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AclAuthorizerTest {
  private static final ClientIdentity ALICE = new ClientIdentity("c1", "alice", null, "test");

  @TempDir
  Path dir;

  private Path write(String text) throws IOException {
    return Files.writeString(dir.resolve("acl.conf"), text);
  }

  @Test
  void startsOnlyWithAValidFile() throws IOException {
    Path f = write("user alice\ntopic sometimes a\n");
    assertThatThrownBy(() -> new AclAuthorizer(f)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("acl.conf:2: topic: bad access \"sometimes\"");
  }

  @Test
  void sharedSubscriptionsAreJudgedOnTheirFilter() throws Exception {
    AclAuthorizer a = new AclAuthorizer(write("user alice\ntopic read openegiz/#\n"));
    assertThat(a.canSubscribe(ALICE, "$share/workers/openegiz/+/x/#")).isTrue();
    assertThat(a.canSubscribe(ALICE, "$share/openegiz/#")).isFalse(); // group "openegiz", filter "#"
    assertThat(a.canSubscribe(ALICE, "$share/workers/#")).isFalse();
    assertThat(a.canSubscribe(ALICE, "$share/workers")).isFalse(); // malformed: refused, not thrown
    assertThat(a.canReceive(ALICE, "openegiz/a")).isTrue();
    assertThat(a.canPublish(ALICE, "openegiz/a")).isFalse();
  }

  @Test
  void reloadAppliesAValidFile() throws Exception {
    Path f = write("user alice\ntopic read a\n");
    AclAuthorizer a = new AclAuthorizer(f);
    AclFile before = a.rules();
    write("user alice\ntopic read b\n");
    assertThat(a.reload()).isEmpty();
    assertThat(a.rules()).isNotSameAs(before);
    assertThat(a.canReceive(ALICE, "a")).isFalse();
    assertThat(a.canReceive(ALICE, "b")).isTrue();
  }

  @Test
  void reloadKeepsTheOldRulesAndReportsEveryError() throws Exception {
    Path f = write("user alice\ntopic read a\n");
    AclAuthorizer a = new AclAuthorizer(f);
    AclFile before = a.rules();
    write("user alice\ntopic read b\ntopic rread c\nbogus\n");
    assertThat(a.reload()).containsExactly(
        f + ":3: topic: bad access \"rread\"; accepted: read, write, readwrite, deny"
            + " (a topic containing spaces needs the access word first)",
        f + ":4: unknown directive \"bogus\"; accepted: user <username>, topic [read|write|readwrite|deny]"
            + " <topic filter>, pattern [read|write|readwrite|deny] <topic filter>, # comment");
    assertThat(a.rules()).isSameAs(before);
    assertThat(a.canReceive(ALICE, "a")).isTrue();
    assertThat(a.canReceive(ALICE, "b")).isFalse();
  }

  @Test
  void reloadKeepsTheOldRulesWhenTheFileIsGone() throws Exception {
    Path f = write("user alice\ntopic read a\n");
    AclAuthorizer a = new AclAuthorizer(f);
    Files.delete(f);
    assertThat(a.reload()).singleElement().asString().startsWith(f + ": cannot read the ACL file");
    assertThat(a.canReceive(ALICE, "a")).isTrue();
  }
}
