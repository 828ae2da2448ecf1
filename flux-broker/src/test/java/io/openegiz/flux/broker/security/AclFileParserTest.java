package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.openegiz.flux.broker.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AclFileParserTest {

  private static ClientIdentity user(String name) {
    return new ClientIdentity("c-" + name, name, null, "test");
  }

  private static List<String> errors(String... lines) {
    try {
      AclFile.parse("acl.conf", List.of(lines));
    } catch (ConfigException e) {
      return e.errors();
    }
    throw new AssertionError("parsed without error");
  }

  @Test
  void unknownDirective() {
    assertThat(errors("usr alice")).containsExactly("acl.conf:1: unknown directive \"usr\"; accepted: "
        + "user <username>, topic [read|write|readwrite|deny] <topic filter>, "
        + "pattern [read|write|readwrite|deny] <topic filter>, # comment");
  }

  @Test
  void directivesAreCaseSensitiveAsInMosquitto() {
    assertThat(errors("Topic read a")).singleElement().asString().startsWith("acl.conf:1: unknown directive \"Topic\"");
  }

  @Test
  void missingTopic() {
    assertThat(errors("topic")).containsExactly(
        "acl.conf:1: topic: missing topic; accepted: topic [read|write|readwrite|deny] <topic filter>");
    assertThat(errors("pattern  ")).containsExactly(
        "acl.conf:1: pattern: missing topic; accepted: pattern [read|write|readwrite|deny] <topic filter>");
  }

  @Test
  void accessWordWithoutTopicIsRefusedRatherThanReadAsATopic() {
    assertThat(errors("topic read")).containsExactly("acl.conf:1: topic: missing topic after \"read\"; "
        + "accepted: topic [read|write|readwrite|deny] <topic filter>");
  }

  @Test
  void badAccessWord() {
    assertThat(errors("topic readd openegiz/#")).containsExactly("acl.conf:1: topic: bad access \"readd\"; "
        + "accepted: read, write, readwrite, deny (a topic containing spaces needs the access word first)");
  }

  @Test
  void invalidTopicFilter() {
    assertThat(errors("topic read a/#/b", "pattern write a/b+", "topic $share/g/a")).containsExactly(
        "acl.conf:1: topic: invalid topic filter \"a/#/b\": '#' must be alone in the last level; "
            + "accepted: an MQTT topic filter: '+' and '#' fill a whole level, '#' only last",
        "acl.conf:2: pattern: invalid topic filter \"a/b+\": '+' must occupy an entire level; "
            + "accepted: an MQTT topic filter: '+' and '#' fill a whole level, '#' only last",
        "acl.conf:3: topic: invalid topic filter \"$share/g/a\": an ACL topic is matched against topic"
            + " names, never a $share/ filter; accepted: an MQTT topic filter: '+' and '#' fill a whole"
            + " level, '#' only last");
  }

  @Test
  void missingUsername() {
    assertThat(errors("user   ")).containsExactly("acl.conf:1: user: missing username; accepted: user <username>");
  }

  @Test
  void everyErrorIsReportedWithItsLine() {
    List<String> errors = errors(
        "# comment",
        "",
        "frobnicate",
        "user alice",
        "topic read ok/#",
        "topic sometimes a/b",
        "pattern",
        "topic write a/#/c");
    assertThat(errors).hasSize(4);
    assertThat(errors).extracting(e -> e.substring(0, e.indexOf(": ", "acl.conf:".length())))
        .containsExactly("acl.conf:3", "acl.conf:6", "acl.conf:7", "acl.conf:8");
  }

  @Test
  void commentsBlankLinesIndentationAndTabs() throws ConfigException {
    AclFile acl = AclFile.parse("acl.conf", List.of(
        "\uFEFF# leading byte order mark and a comment",
        "   # indented comment",
        "\t",
        "  user alice",
        "\ttopic\tread\ta/#  ",
        "topic b/c"));
    assertThat(acl.ruleCount()).isEqualTo(2);
    assertThat(acl.canRead(user("alice"), "a/x")).isTrue();
    assertThat(acl.canWrite(user("alice"), "a/x")).isFalse();
    assertThat(acl.canWrite(user("alice"), "b/c")).isTrue();
  }

  @Test
  void topicMayContainSpacesAfterTheAccessWord() throws ConfigException {
    AclFile acl = AclFile.parse("acl.conf", List.of("user alice", "topic write  my room/temp"));
    assertThat(acl.canWrite(user("alice"), "my room/temp")).isTrue();
  }

  @Test
  void usernameMayContainSpaces() throws ConfigException {
    AclFile acl = AclFile.parse("acl.conf", List.of("user  Ada Lovelace", "topic write a"));
    assertThat(acl.canWrite(user("Ada Lovelace"), "a")).isTrue();
  }

  @Test
  void repeatedUserSectionsAddUp() throws ConfigException {
    AclFile acl = AclFile.parse("acl.conf", List.of("user alice", "topic read a", "user bob",
        "topic read b", "user alice", "topic read c"));
    assertThat(acl.canRead(user("alice"), "a")).isTrue();
    assertThat(acl.canRead(user("alice"), "c")).isTrue();
    assertThat(acl.canRead(user("alice"), "b")).isFalse();
  }

  @Test
  void unreadableFile() {
    Path missing = Path.of("/nonexistent/acl.conf");
    assertThatThrownBy(() -> AclFile.load(missing)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("/nonexistent/acl.conf: cannot read the ACL file");
  }

  @Test
  void shippedFileParses() throws ConfigException {
    AclFile acl = AclFile.load(shipped());
    assertThat(acl.ruleCount()).isEqualTo(21);
    // The monitoring user reads $SYS and nothing else (docs/sys.md).
    ClientIdentity monitoring = new ClientIdentity("m", "monitoring", null, "test");
    assertThat(acl.canRead(monitoring, "$SYS/broker/uptime")).isTrue();
    assertThat(acl.canRead(monitoring, "openegiz/factory-a/oven/oven-001/electrical/telemetry")).isFalse();
    // Each sensor may answer commands on its own response topic only (docs/topics.md).
    ClientIdentity elec = new ClientIdentity("c", "esp32-oven001-elec", null, "test");
    assertThat(acl.canWrite(elec, "openegiz/factory-a/oven/oven-001/electrical/response")).isTrue();
    assertThat(acl.canWrite(elec, "openegiz/factory-a/oven/oven-001/thermal/response")).isFalse();
  }

  static Path shipped() {
    Path p = Path.of("deploy/mosquitto-style/acl.conf");
    return p.toFile().exists() ? p : Path.of("..").resolve(p);
  }
}
