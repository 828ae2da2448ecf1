package io.openegiz.flux.broker.config;

import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Security keys: Mosquitto's {@code password_file} and {@code acl_file}, and Flux's per-client
 * limits and quotas with their per-listener and per-user overrides, rate-limit action, audit log and
 * connection throttling.
 */
final class SecurityKeys {
  private SecurityKeys() {}

  /** What the security keys said, collected while the file is read. */
  static final class Acc {
    Path passwordFile;
    Path aclFile;
    final Map<Integer, ClientLimits.Override> listenerLimits = new HashMap<>();
    final Map<String, ClientLimits.Override> userLimits = new HashMap<>();
    SecurityConfig.RateAction rateAction = SecurityConfig.RateAction.SLOW;
    String auditLog = "-";
    int maxConnectsPerAddress = SecurityConfig.DEFAULT_MAX_CONNECTS_PER_ADDRESS;
    final GuardKeys.Acc guards = new GuardKeys.Acc();
    int maxRetainedMessages = SecurityConfig.RetainedTotals.DEFAULTS.maxMessages();
    long maxRetainedBytes = SecurityConfig.RetainedTotals.DEFAULTS.maxBytes();

    SecurityConfig build() {
      // The limits themselves are filled in by BrokerConfig.Builder from the global keys.
      return new SecurityConfig(passwordFile, aclFile, null, listenerLimits, userLimits, rateAction,
          guards.audit(auditLog), maxConnectsPerAddress, guards.logins(), guards.subscribeRate(),
          new SecurityConfig.RetainedTotals(maxRetainedMessages, maxRetainedBytes));
    }
  }

  private static final String OVERRIDES = "max_publish_rate=N, max_publish_burst=N, max_inflight_messages=N,"
      + " message_size_limit=N, max_subscriptions_per_session=N, max_persistent_sessions_per_identity=N,"
      + " max_retained_messages_per_identity=N or max_retained_bytes_per_identity=N, one or more, separated by"
      + " spaces";
  private static final int MAX_COUNT = 100_000_000;
  private static final long MAX_BYTES = 1L << 40;

  static void register(Map<String, Key> k) {
    k.put("password_file", new Key("a path to a Mosquitto password file", 1, Integer.MAX_VALUE,
        (s, d) -> {
          Path p = s.readableFile(d);
          if (p != null) s.security.passwordFile = p;
        }));
    k.put("acl_file", new Key("a path to a Mosquitto ACL file", 1, Integer.MAX_VALUE,
        (s, d) -> {
          Path p = s.readableFile(d);
          if (p != null) s.security.aclFile = p;
        }));
    k.put("max_publish_rate", new Key("messages per second per client, an integer from 0 (no limit) to 1000000",
        1, 1, (s, d) -> {
          Long n = s.number(d, d.args().get(0), 0, 1_000_000);
          if (n != null) s.builder.maxPublishRate(n.intValue());
        }));
    k.put("max_publish_burst", new Key("messages a client may send at once above its rate, 1 to 1000000", 1, 1,
        (s, d) -> {
          Long n = s.number(d, d.args().get(0), 1, 1_000_000);
          if (n != null) s.builder.publishBurst(n.intValue());
        }));
    k.put("publish_rate_action", new Key("slow (stop reading the client until it is within its rate) or"
        + " disconnect (MQTT 5 reason 0x96)", 1, 1, SecurityKeys::rateAction));
    k.put("audit_log", new Key("a file path, or - for standard error", 1, Integer.MAX_VALUE,
        (s, d) -> s.security.auditLog = d.rest()));
    k.put("max_connects_per_address", new Key("new connections per remote address per second, 0 (no limit)"
        + " to 1000000", 1, 1, (s, d) -> {
          Long n = s.number(d, d.args().get(0), 0, 1_000_000);
          if (n != null) s.security.maxConnectsPerAddress = n.intValue();
        }));
    registerQuotas(k);
    k.put("limits_for_user", new Key("limits_for_user USERNAME " + OVERRIDES, 2, Integer.MAX_VALUE,
        (s, d) -> {
          ClientLimits.Override o = override(s, d);
          if (o != null) s.security.userLimits.put(d.args().get(0), o);
        }));
    k.put("limits_for_listener", new Key("limits_for_listener PORT " + OVERRIDES, 2, Integer.MAX_VALUE, (s, d) -> {
      Long port = s.number(d, d.args().get(0), 1, 65535);
      ClientLimits.Override o = override(s, d);
      if (port != null && o != null) s.security.listenerLimits.put(port.intValue(), o);
    }));
    GuardKeys.register(k);
  }

  /** The quotas of issue 8 item 3: 0 means no limit, as for max_publish_rate. */
  private static void registerQuotas(Map<String, Key> k) {
    String count = "an integer from 0 (no limit) to " + MAX_COUNT;
    String bytes = "a number of bytes from 0 (no limit) to " + MAX_BYTES;
    k.put("max_retained_messages", ConfigParser.number(count, 0, MAX_COUNT,
        (s, n) -> s.security.maxRetainedMessages = n.intValue()));
    k.put("max_retained_bytes", ConfigParser.number(bytes, 0, MAX_BYTES, (s, n) -> s.security.maxRetainedBytes = n));
    k.put("max_retained_messages_per_identity", ConfigParser.number(count, 0, MAX_COUNT,
        (s, n) -> s.builder.maxRetainedMessagesPerIdentity(n.intValue())));
    k.put("max_retained_bytes_per_identity", ConfigParser.number(bytes, 0, MAX_BYTES,
        (s, n) -> s.builder.maxRetainedBytesPerIdentity(n)));
    k.put("max_subscriptions_per_session", ConfigParser.number(count, 0, MAX_COUNT,
        (s, n) -> s.builder.maxSubscriptionsPerSession(n.intValue())));
    k.put("max_persistent_sessions_per_identity", ConfigParser.number(count, 0, MAX_COUNT,
        (s, n) -> s.builder.maxPersistentSessionsPerIdentity(n.intValue())));
  }

  private static void rateAction(ParseState s, Directive d) {
    switch (d.args().get(0)) {
      case "slow" -> s.security.rateAction = SecurityConfig.RateAction.SLOW;
      case "disconnect" -> s.security.rateAction = SecurityConfig.RateAction.DISCONNECT;
      default -> s.error(d, ConfigParser.quote(d.args().get(0)) + " is not an action");
    }
  }

  /** The largest value a {@code key=value} override accepts: the quotas' own ranges, else MQTT's maximum size. */
  private static long overrideMaximum(String key) {
    if (key.endsWith("_bytes_per_identity")) {
      return MAX_BYTES;
    }
    return key.endsWith("_per_identity") || key.endsWith("_per_session") ? MAX_COUNT : ConfigParser.MQTT_MAX_SIZE;
  }

  /** Reads {@code key=value} words after the first argument; null (with errors reported) when one is bad. */
  private static ClientLimits.Override override(ParseState s, Directive d) {
    Integer rate = null;
    Integer burst = null;
    Integer inflight = null;
    Integer size = null;
    Integer subs = null;
    Integer sessions = null;
    Integer retained = null;
    Long retainedBytes = null;
    boolean ok = true;
    for (String word : d.args().subList(1, d.args().size())) {
      int eq = word.indexOf('=');
      String key = eq < 0 ? word : word.substring(0, eq);
      Long n = eq < 0 ? null : s.number(d, word.substring(eq + 1), 0, overrideMaximum(key));
      if (eq < 0) {
        s.error(d, ConfigParser.quote(word) + " is not key=value");
        ok = false;
      } else if (n == null) {
        ok = false;
      } else {
        switch (key) {
          case "max_publish_rate" -> rate = n.intValue();
          case "max_publish_burst" -> burst = n.intValue();
          case "max_inflight_messages" -> inflight = n == 0 ? 65535 : (int) Math.min(65535, n);
          case "message_size_limit" -> size = n.intValue();
          case "max_subscriptions_per_session" -> subs = n.intValue();
          case "max_persistent_sessions_per_identity" -> sessions = n.intValue();
          case "max_retained_messages_per_identity" -> retained = n.intValue();
          case "max_retained_bytes_per_identity" -> retainedBytes = n;
          default -> {
            s.error(d, ConfigParser.quote(key) + " is not a per-client limit");
            ok = false;
          }
        }
      }
    }
    return ok ? new ClientLimits.Override(rate, burst, inflight, size, subs, sessions, retained, retainedBytes) : null;
  }
}
