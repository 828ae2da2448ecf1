package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code status_max_devices N}: the status page's cap on devices, 10000 by default, 0 = no fleet view. */
class StatusKeysTest {
  private static final String ACCEPTED = "; accepted: an integer from 0 (no fleet view on the status page)"
      + " to 1000000 devices";

  @Test
  void defaultZeroAndAValue() throws ConfigException {
    assertThat(config().statusMaxDevices()).isEqualTo(BrokerConfig.DEFAULT_STATUS_MAX_DEVICES).isEqualTo(10_000);
    assertThat(config("status_max_devices 0").statusMaxDevices()).isZero();
    assertThat(config("status_max_devices 250").statusMaxDevices()).isEqualTo(250);
    assertThat(config("status_max_devices 7").toBuilder().build().statusMaxDevices()).isEqualTo(7);
  }

  @Test
  void badValuesSayWhatIsAccepted() {
    assertThat(errors("status_max_devices -1", "status_max_devices 1000001", "status_max_devices many",
        "status_max_devices")).containsExactly(
            "flux.conf:1: status_max_devices: -1 is out of range" + ACCEPTED,
            "flux.conf:2: status_max_devices: 1000001 is out of range" + ACCEPTED,
            "flux.conf:3: status_max_devices: \"many\" is not a number" + ACCEPTED,
            "flux.conf:4: status_max_devices: missing value" + ACCEPTED);
  }
}
