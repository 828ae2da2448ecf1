package io.openegiz.flux.broker.message;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "/", "//", "sport/tennis/player1", "/finance", "$SYS/broker/load", " ", "ü/日本"})
  void validTopicNames(String name) {
    assertThat(Topics.validateTopicName(name)).isNull();
  }

  @Test
  void invalidTopicNames() {
    assertThat(Topics.validateTopicName("")).contains("empty");
    assertThat(Topics.validateTopicName("sport/+")).contains("wildcard");
    assertThat(Topics.validateTopicName("sport/#")).contains("wildcard");
    assertThat(Topics.validateTopicName("a+b")).contains("wildcard");
    assertThat(Topics.validateTopicName("a\u0000b")).contains("U+0000");
    assertThat(Topics.validateTopicName("a\uD800b")).contains("UTF-8");
    assertThat(Topics.validateTopicName(null)).isNotNull();
  }

  @Test
  void topicNameLengthCountsUtf8Bytes() {
    assertThat(Topics.validateTopicName("a".repeat(65_535))).isNull();
    assertThat(Topics.validateTopicName("a".repeat(65_536))).contains("65535");
    // 'é' is two bytes in UTF-8: 32768 of them is 65536 bytes though only 32768 chars.
    assertThat(Topics.validateTopicName("é".repeat(32_767))).isNull();
    assertThat(Topics.validateTopicName("é".repeat(32_768))).contains("65535");
  }

  @ParameterizedTest
  @ValueSource(strings = {"#", "+", "sport/#", "sport/tennis/#", "+/+", "/+", "+/tennis/#", "sport/+/player1",
      "/finance", "$SYS/#", "a//b", "+/", "/"})
  void validTopicFilters(String filter) {
    assertThat(Topics.validateTopicFilter(filter)).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "sport/tennis#", "sport/tennis/#/ranking", "#/", "sport+", "sport/+tennis", "++",
      "a/#b", "a\u0000"})
  void invalidTopicFilters(String filter) {
    assertThat(Topics.validateTopicFilter(filter)).isNotNull();
  }

  @Test
  void filterLevelCapIsEnforced() {
    String deep128 = String.join("/", java.util.Collections.nCopies(128, "a"));
    assertThat(Topics.validateTopicFilter(deep128)).isNull();
    assertThat(Topics.validateTopicFilter(deep128 + "/a")).contains("128 levels");
    assertThat(Topics.validateTopicFilter("a/b/c", 2)).contains("2 levels");
  }

  @Test
  void parseSharedSplitsGroupAndFilter() {
    assertThat(Topics.parseShared("$share/g1/sport/#")).isEqualTo(new SharedFilter("g1", "sport/#"));
    assertThat(Topics.parseShared("$share/g1//a")).isEqualTo(new SharedFilter("g1", "/a"));
    assertThat(Topics.parseShared("sport/#")).isEqualTo(new SharedFilter(null, "sport/#"));
    assertThat(Topics.parseShared("$SYS/#").isShared()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"$share/g1", "$share/g1/", "$share//a", "$share/g+/a", "$share/g#/a", "$share/g/a/#/b"})
  void parseSharedRejectsInvalid(String filter) {
    assertThatThrownBy(() -> Topics.parseShared(filter)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({
      "sport/tennis/player1/#, sport/tennis/player1, true",
      "sport/tennis/player1/#, sport/tennis/player1/ranking, true",
      "sport/tennis/player1/#, sport/tennis/player1/score/wimbledon, true",
      "sport/#, sport, true",
      "sport/tennis/+, sport/tennis/player1, true",
      "sport/tennis/+, sport/tennis/player1/tournament, false",
      "sport/+, sport, false",
      "sport/+, sport/, true",
      "+/+, /finance, true",
      "/+, /finance, true",
      "+, /finance, false",
      "#, $SYS/broker, false",
      "+/monitor/Clients, $SYS/monitor/Clients, false",
      "$SYS/#, $SYS/monitor/Clients, true",
      "$SYS/monitor/+, $SYS/monitor/Clients, true",
      "#, sport/tennis, true",
      "ACCOUNTS, Accounts, false",
  })
  void matchesSpecExamples(String filter, String topic, boolean expected) {
    assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
  }
}
