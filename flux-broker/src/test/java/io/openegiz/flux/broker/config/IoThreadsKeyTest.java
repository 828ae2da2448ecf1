package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code io_threads N}: the event loops serving MQTT connections, 0 (one per two cores) by default. */
class IoThreadsKeyTest {
  private static final String ACCEPTED = "; accepted: an integer from 0 (one per two cores) to 256 event loops serving"
      + " the MQTT connections";

  @Test
  void defaultIsOnePerTwoCoresAndAValueIsKept() throws ConfigException {
    assertThat(config().ioThreads()).isZero();
    assertThat(config().eventLoops()).isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    assertThat(config("io_threads 3").eventLoops()).isEqualTo(3);
    assertThat(config("io_threads 1").toBuilder().build().ioThreads()).isEqualTo(1);
  }

  @Test
  void badValuesSayWhatIsAccepted() {
    assertThat(errors("io_threads -1", "io_threads 257", "io_threads two", "io_threads")).containsExactly(
        "flux.conf:1: io_threads: -1 is out of range" + ACCEPTED,
        "flux.conf:2: io_threads: 257 is out of range" + ACCEPTED,
        "flux.conf:3: io_threads: \"two\" is not a number" + ACCEPTED,
        "flux.conf:4: io_threads: missing value" + ACCEPTED);
  }
}
