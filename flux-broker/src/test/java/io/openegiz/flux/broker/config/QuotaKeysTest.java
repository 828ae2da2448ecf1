package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigLines.config;
import static io.openegiz.flux.broker.config.ConfigLines.errors;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The quota keys of issue 8, item 3: defaults, values, per-user overrides and their errors. */
class QuotaKeysTest {

  @Test
  void defaultsAreSafeForTheSpecsFleet() throws ConfigException {
    SecurityConfig s = config().security();
    ClientLimits l = s.limits();
    assertThat(l.maxSubscriptions()).isEqualTo(1_000);
    assertThat(l.maxPersistentSessions()).isEqualTo(16);
    assertThat(l.maxRetainedMessages()).isEqualTo(1_000);
    assertThat(l.maxRetainedBytes()).isEqualTo(16L << 20);
    assertThat(s.retainedTotals()).isEqualTo(new SecurityConfig.RetainedTotals(100_000, 256L << 20));
  }

  @Test
  void everyKeyIsReadAndZeroMeansNoLimit() throws ConfigException {
    SecurityConfig s = config("max_retained_messages 0", "max_retained_bytes 1000000",
        "max_retained_messages_per_identity 5", "max_retained_bytes_per_identity 0",
        "max_subscriptions_per_session 7", "max_persistent_sessions_per_identity 2").security();
    assertThat(s.retainedTotals()).isEqualTo(new SecurityConfig.RetainedTotals(0, 1_000_000));
    assertThat(s.limits()).extracting(ClientLimits::maxRetainedMessages, ClientLimits::maxRetainedBytes,
        ClientLimits::maxSubscriptions, ClientLimits::maxPersistentSessions).containsExactly(5, 0L, 7, 2);
  }

  @Test
  void aUserOverrideRaisesTheQuotasOfOneIdentityOnly() throws ConfigException {
    SecurityConfig s = config("max_subscriptions_per_session 10", "limits_for_user egizcore"
        + " max_subscriptions_per_session=5000 max_retained_messages_per_identity=0"
        + " max_retained_bytes_per_identity=1099511627776 max_persistent_sessions_per_identity=3").security();
    ClientLimits service = s.limitsFor(1883, "egizcore");
    assertThat(service).extracting(ClientLimits::maxSubscriptions, ClientLimits::maxRetainedMessages,
        ClientLimits::maxRetainedBytes, ClientLimits::maxPersistentSessions).containsExactly(5000, 0, 1L << 40, 3);
    assertThat(s.limitsFor(1883, "esp32-oven001-elec").maxSubscriptions()).isEqualTo(10);
  }

  @Test
  void badValuesNameTheLineKeyAndWhatIsAccepted() {
    assertThat(errors("max_retained_messages -1", "max_subscriptions_per_session lots",
        "limits_for_user bob max_retained_per_identity=3",
        "limits_for_user eve max_subscriptions_per_session=100000001"))
        .containsExactly(
            "flux.conf:1: max_retained_messages: -1 is out of range; accepted: an integer from 0 (no limit) to"
                + " 100000000",
            "flux.conf:2: max_subscriptions_per_session: \"lots\" is not a number; accepted: an integer from 0"
                + " (no limit) to 100000000",
            "flux.conf:3: limits_for_user: \"max_retained_per_identity\" is not a per-client limit; accepted:"
                + " limits_for_user USERNAME max_publish_rate=N, max_publish_burst=N, max_inflight_messages=N,"
                + " message_size_limit=N, max_subscriptions_per_session=N, max_persistent_sessions_per_identity=N,"
                + " max_retained_messages_per_identity=N or max_retained_bytes_per_identity=N, one or more,"
                + " separated by spaces",
            "flux.conf:4: limits_for_user: 100000001 is out of range; accepted: limits_for_user USERNAME"
                + " max_publish_rate=N, max_publish_burst=N, max_inflight_messages=N, message_size_limit=N,"
                + " max_subscriptions_per_session=N, max_persistent_sessions_per_identity=N,"
                + " max_retained_messages_per_identity=N or max_retained_bytes_per_identity=N, one or more,"
                + " separated by spaces");
  }
}
