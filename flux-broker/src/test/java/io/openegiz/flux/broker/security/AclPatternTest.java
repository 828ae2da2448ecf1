package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.message.Topics;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AclPatternTest {

  @ParameterizedTest(name = "ACL {0} covers {1}: {2}")
  @CsvSource({
      "openegiz/#, openegiz/+/x/#, true",
      "openegiz/#, openegiz, true",
      "openegiz/#, #, false",
      "openegiz/#, +/#, false",
      "#, #, true",
      "#, a/+/b, true",
      "+/#, #, true",
      "+/+/#, #, false",
      "a/+, a/#, false",
      "a/+, a/+, true",
      "a/+, a/b, true",
      "a/b, a/+, false",
      "a/+/#, a/+, true",
      "a/+/#, a, false",
      "a/#, a/b/c, true",
      "openegiz/+/+/+/+/telemetry, openegiz/+/+/+/electrical/telemetry, true",
      "openegiz/+/+/+/+/telemetry, openegiz/#, false",
      "openegiz/+/+/+/+/telemetry, openegiz/+/+/+/+/+, false",
      "#, $SYS/#, false",
      "+/#, $SYS/x, false",
      "$SYS/#, $SYS/broker/+, true",
      "a//b, a//b, true",
      "a//b, a/+/b, false",
  })
  void coversExamples(String acl, String filter, boolean expected) {
    assertThat(AclPattern.literal(acl).covers(filter, "u", "c")).isEqualTo(expected);
  }

  /**
   * The definition, checked exhaustively on a small alphabet: P covers F exactly when every topic F
   * matches is matched by P. Topics use a letter no filter has ("z") and one level more than the
   * longest filter, so a missing witness would show up.
   */
  @Test
  void coversIsExactlyTopicSetInclusion() {
    List<String> filters = validFilters(3);
    List<String> topics = topics(4);
    for (String p : filters) {
      AclPattern acl = AclPattern.literal(p);
      for (String f : filters) {
        boolean included = true;
        for (String t : topics) {
          if (Topics.matches(f, t) && !Topics.matches(p, t)) {
            included = false;
            break;
          }
        }
        assertThat(acl.covers(f, null, "c")).as("ACL %s covers %s", p, f).isEqualTo(included);
      }
    }
  }

  @Test
  void matchesAgreesWithTheReferenceMatcher() {
    for (String p : validFilters(3)) {
      AclPattern acl = AclPattern.literal(p);
      for (String t : topics(4)) {
        assertThat(acl.matches(t, null, "c")).as("%s matches %s", p, t).isEqualTo(Topics.matches(p, t));
      }
    }
  }

  @Test
  void dollarTopicsOnlyMatchDollarRules() {
    assertThat(AclPattern.literal("#").matches("$SYS/broker/uptime", null, "c")).isFalse();
    assertThat(AclPattern.literal("+/broker/uptime").matches("$SYS/broker/uptime", null, "c")).isFalse();
    assertThat(AclPattern.literal("$SYS/#").matches("$SYS/broker/uptime", null, "c")).isTrue();
  }

  @Test
  void placeholdersAreComparedInPlace() {
    AclPattern p = AclPattern.withPlaceholders("devices/%u/dev-%c-x/#");
    assertThat(p.usesUsername()).isTrue();
    assertThat(p.substitutes()).isTrue();
    assertThat(p.matches("devices/alice/dev-c1-x/t", "alice", "c1")).isTrue();
    assertThat(p.matches("devices/alice/dev-c1-x", "alice", "c1")).isTrue();
    assertThat(p.matches("devices/alice/dev-c2-x/t", "alice", "c1")).isFalse();
    assertThat(p.matches("devices/bob/dev-c1-x/t", "alice", "c1")).isFalse();
    assertThat(p.matches("devices/alicex/dev-c1-x/t", "alice", "c1")).isFalse();
    assertThat(p.covers("devices/alice/dev-c1-x/+", "alice", "c1")).isTrue();
    assertThat(p.covers("devices/+/dev-c1-x/+", "alice", "c1")).isFalse();
  }

  @Test
  void topicLinesKeepPercentLiterally() {
    AclPattern p = AclPattern.literal("devices/%u");
    assertThat(p.substitutes()).isFalse();
    assertThat(p.matches("devices/%u", "alice", "c")).isTrue();
    assertThat(p.matches("devices/alice", "alice", "c")).isFalse();
  }

  private static List<String> validFilters(int maxLevels) {
    List<String> out = new ArrayList<>();
    for (String s : words(new String[] {"a", "b", "+", "#"}, maxLevels)) {
      if (Topics.validateTopicFilter(s) == null) {
        out.add(s);
      }
    }
    return out;
  }

  private static List<String> topics(int maxLevels) {
    return words(new String[] {"a", "b", "z"}, maxLevels);
  }

  private static List<String> words(String[] alphabet, int maxLevels) {
    List<String> out = new ArrayList<>();
    List<String> last = List.of("");
    for (int n = 1; n <= maxLevels; n++) {
      List<String> next = new ArrayList<>();
      for (String prefix : last) {
        for (String a : alphabet) {
          next.add(n == 1 ? a : prefix + "/" + a);
        }
      }
      out.addAll(next);
      last = next;
    }
    return out;
  }
}
