package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code sys_interval}, Mosquitto's key for the $SYS tree: its default, its range, its errors. */
class SysIntervalTest {

  @Test
  void defaultIsMosquittos() throws ConfigException {
    assertThat(config().sysInterval()).isEqualTo(10);
    assertThat(BrokerConfig.builder().build().sysInterval()).isEqualTo(10);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "1, 1", "10, 10", "65535, 65535"})
  void accepted(String value, int expected) throws ConfigException {
    assertThat(config("sys_interval " + value).sysInterval()).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "65536", "10s", "1.5"})
  void outOfRangeOrMalformed(String value) {
    assertThat(errors("sys_interval " + value)).singleElement().asString()
        .startsWith("flux.conf:1: sys_interval: ")
        .containsAnyOf("is out of range", "is not a number")
        .endsWith("; accepted: an integer from 0 to 65535 seconds between two publications of the $SYS topics"
            + " (0 = no $SYS topics)");
  }

  @Test
  void builderRefusesWhatTheParserRefuses() {
    assertThatThrownBy(() -> BrokerConfig.builder().sysInterval(-1).build())
        .hasMessage("sys_interval must be from 0 to 65535: -1");
  }
}
