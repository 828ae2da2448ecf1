package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AclFileTest {

  private static AclFile acl(String... lines) throws ConfigException {
    return AclFile.parse("acl.conf", List.of(lines));
  }

  private static ClientIdentity id(String clientId, String username) {
    return new ClientIdentity(clientId, username, null, "test");
  }

  @Test
  void accessWords() throws ConfigException {
    AclFile a = acl("user u", "topic read r", "topic write w", "topic readwrite rw", "topic both");
    ClientIdentity u = id("c", "u");
    assertThat(a.canRead(u, "r")).isTrue();
    assertThat(a.canWrite(u, "r")).isFalse();
    assertThat(a.canRead(u, "w")).isFalse();
    assertThat(a.canWrite(u, "w")).isTrue();
    assertThat(a.canRead(u, "rw")).isTrue();
    assertThat(a.canWrite(u, "rw")).isTrue();
    assertThat(a.canRead(u, "both")).isTrue();
    assertThat(a.canWrite(u, "both")).isTrue();
    assertThat(a.canRead(u, "other")).isFalse();
  }

  @Test
  void denyTakesPrecedenceWhateverItsPosition() throws ConfigException {
    AclFile a = acl("user u", "topic readwrite a/#", "topic deny a/secret/#", "pattern deny b/%u");
    ClientIdentity u = id("c", "u");
    assertThat(a.canRead(u, "a/open")).isTrue();
    assertThat(a.canRead(u, "a/secret/x")).isFalse();
    assertThat(a.canWrite(u, "a/secret")).isFalse();
    // A subscription wider than the denied part stays allowed; deliveries are filtered.
    assertThat(a.canSubscribe(u, "a/#")).isTrue();
    assertThat(a.canSubscribe(u, "a/secret/+")).isFalse();
    AclFile b = acl("user u", "topic readwrite b/#", "pattern deny b/%u");
    assertThat(b.canWrite(u, "b/u")).isFalse();
    assertThat(b.canWrite(u, "b/v")).isTrue();
  }

  @Test
  void linesBeforeTheFirstUserApplyToAnonymousClientsOnly() throws ConfigException {
    AclFile a = acl("topic read public/#", "user alice", "topic read alice/#");
    assertThat(a.canRead(id("anon", null), "public/x")).isTrue();
    assertThat(a.canRead(id("anon", null), "alice/x")).isFalse();
    assertThat(a.canRead(id("c", "alice"), "public/x")).isFalse();
    assertThat(a.canRead(id("c", "alice"), "alice/x")).isTrue();
    assertThat(a.canRead(id("c", "bob"), "public/x")).isFalse();
  }

  @Test
  void emptyFileDeniesEverything() throws ConfigException {
    AclFile a = acl("# nothing");
    assertThat(a.canRead(id("c", null), "a")).isFalse();
    assertThat(a.canWrite(id("c", "u"), "a")).isFalse();
    assertThat(a.canSubscribe(id("c", "u"), "#")).isFalse();
  }

  @Test
  void patternsApplyToEveryoneWithSubstitution() throws ConfigException {
    AclFile a = acl("pattern write devices/%u/%c/telemetry", "pattern read devices/%c/command",
        "user alice", "topic read other");
    assertThat(a.canWrite(id("d1", "alice"), "devices/alice/d1/telemetry")).isTrue();
    assertThat(a.canWrite(id("d1", "bob"), "devices/bob/d1/telemetry")).isTrue();
    assertThat(a.canWrite(id("d1", "bob"), "devices/alice/d1/telemetry")).isFalse();
    assertThat(a.canWrite(id("d2", "alice"), "devices/alice/d1/telemetry")).isFalse();
    assertThat(a.canRead(id("d1", null), "devices/d1/command")).isTrue();
    assertThat(a.canSubscribe(id("d1", null), "devices/d1/command")).isTrue();
    assertThat(a.canSubscribe(id("d1", null), "devices/+/command")).isFalse();
  }

  @Test
  void aNullUsernameNeverMatchesAPercentUPattern() throws ConfigException {
    AclFile a = acl("pattern readwrite users/%u/#", "pattern readwrite users/%c/#");
    assertThat(a.canWrite(id("c", null), "users/c/x")).isTrue(); // the %c rule
    assertThat(a.canWrite(id("c", null), "users/null/x")).isFalse();
    assertThat(a.canWrite(id("c", null), "users//x")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"#", "+", "a/b", "x#", "+y", "a/"})
  void identitiesWithWildcardsOrSlashesGetNoPatternRights(String bad) throws ConfigException {
    AclFile a = acl("pattern readwrite devices/%u/#", "pattern readwrite clients/%c/#",
        "pattern read public/#", "user " + bad, "topic read own/#");
    // As username: no pattern rights at all, even the ones without a placeholder ...
    assertThat(a.canWrite(id("ok", bad), "devices/" + bad + "/x")).isFalse();
    assertThat(a.canWrite(id("ok", bad), "devices/other/x")).isFalse();
    assertThat(a.canWrite(id("ok", bad), "clients/ok/x")).isFalse();
    assertThat(a.canRead(id("ok", bad), "public/x")).isFalse();
    assertThat(a.canSubscribe(id("ok", bad), "devices/#")).isFalse();
    // ... but its own user section still applies, as in Mosquitto.
    assertThat(a.canRead(id("ok", bad), "own/x")).isTrue();
    // As client id: same.
    assertThat(a.canWrite(id(bad, "alice"), "clients/" + bad + "/x")).isFalse();
    assertThat(a.canWrite(id(bad, "alice"), "clients/anything/x")).isFalse();
    assertThat(a.canWrite(id(bad, "alice"), "devices/alice/x")).isFalse();
    assertThat(a.canRead(id(bad, null), "public/x")).isFalse();
  }

  @Test
  void anEmptyIdentityGetsNoPatternRights() throws ConfigException {
    AclFile a = acl("pattern readwrite devices/%c/x");
    assertThat(a.canWrite(id("", null), "devices//x")).isFalse();
  }

  @Test
  void aDenyPatternThatCannotBeSubstitutedDeniesEverything() throws ConfigException {
    AclFile a = acl("pattern deny private/%c/#", "user alice", "topic readwrite #");
    assertThat(a.canWrite(id("ok", "alice"), "public")).isTrue();
    assertThat(a.canWrite(id("ok", "alice"), "private/ok/x")).isFalse();
    assertThat(a.canWrite(id("+", "alice"), "public")).isFalse(); // fail closed
  }

  @Test
  void subscribeNeedsOneReadRuleCoveringTheWholeFilter() throws ConfigException {
    AclFile a = acl("user svc", "topic read openegiz/#", "topic write cmd/#",
        "user ml", "topic read openegiz/+/+/+/+/telemetry");
    ClientIdentity svc = id("c", "svc");
    assertThat(a.canSubscribe(svc, "openegiz/#")).isTrue();
    assertThat(a.canSubscribe(svc, "openegiz/+/x/#")).isTrue();
    assertThat(a.canSubscribe(svc, "openegiz")).isTrue();
    assertThat(a.canSubscribe(svc, "#")).isFalse();
    assertThat(a.canSubscribe(svc, "+/x")).isFalse();
    assertThat(a.canSubscribe(svc, "cmd/#")).isFalse(); // write is not read
    ClientIdentity ml = id("c", "ml");
    assertThat(a.canSubscribe(ml, "openegiz/+/+/+/electrical/telemetry")).isTrue();
    assertThat(a.canSubscribe(ml, "openegiz/+/+/+/+/telemetry")).isTrue();
    assertThat(a.canSubscribe(ml, "openegiz/+/+/+/+/+")).isFalse();
    assertThat(a.canSubscribe(ml, "openegiz/#")).isFalse();
  }

  @Test
  void dollarTopicsNeedRulesStartingWithDollar() throws ConfigException {
    AclFile a = acl("user u", "topic read #", "user mon", "topic read $SYS/#");
    assertThat(a.canRead(id("c", "u"), "$SYS/broker/uptime")).isFalse();
    assertThat(a.canSubscribe(id("c", "u"), "$SYS/#")).isFalse();
    assertThat(a.canRead(id("c", "mon"), "$SYS/broker/uptime")).isTrue();
    assertThat(a.canSubscribe(id("c", "mon"), "$SYS/broker/+")).isTrue();
  }
}
