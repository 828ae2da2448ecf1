package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The keys against audit floods and password guessing: defaults, values, and errors with their line. */
class GuardKeysTest {

  private static SecurityConfig security(String... lines) throws ConfigException {
    return config(lines).security();
  }

  @Test
  void defaultsAreTheDocumentedNumbers() throws ConfigException {
    SecurityConfig s = security();
    assertThat(s.audit()).isEqualTo(new AuditConfig("-", 100L * 1024 * 1024, 5, 10, 60));
    assertThat(s.logins()).isEqualTo(new LoginLimits(100, 10, 50, 60, 60, 8, false));
    assertThat(s.subscribeRate()).isEqualTo(new SubscribeRate(100, 1000));
  }

  @Test
  void everyKeyIsRead() throws ConfigException {
    SecurityConfig s = security("audit_log /var/log/flux/audit.log", "audit_log_max_size 1048576", "audit_log_keep 3",
        "audit_denials_in_full 0", "audit_denial_summary_interval 5", "max_subscribe_rate 0",
        "max_subscribe_burst 7", "auth_failure_delay 0", "auth_lockout_failures 3",
        "auth_lockout_failures_per_address 0", "auth_lockout_window 600", "auth_lockout_time 900",
        "auth_max_pending_per_address 2", "auth_exempt_loopback true");
    assertThat(s.audit()).isEqualTo(new AuditConfig("/var/log/flux/audit.log", 1_048_576, 3, 0, 5));
    assertThat(s.logins()).isEqualTo(new LoginLimits(0, 3, 0, 600, 900, 2, true));
    assertThat(s.subscribeRate()).isEqualTo(new SubscribeRate(0, 7));
  }

  @Test
  void badValuesNameFileLineKeyAndWhatIsAccepted() {
    assertThat(errors("audit_log_max_size 1000", "audit_log_keep 0", "auth_lockout_time 0s",
        "auth_exempt_loopback yes")).containsExactly(
            "flux.conf:1: audit_log_max_size: 1000 is out of range; accepted: bytes from 0 (never rotate) or 65536 to "
                + Long.MAX_VALUE,
            "flux.conf:2: audit_log_keep: 0 is out of range; accepted: rotated audit files to keep, 1 to 1000",
            "flux.conf:3: auth_lockout_time: \"0s\" is not a number; accepted: seconds from 1 to 86400",
            "flux.conf:4: auth_exempt_loopback: \"yes\" is not true or false; accepted: true or false");
  }
}
