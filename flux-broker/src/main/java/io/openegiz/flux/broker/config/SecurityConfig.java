package io.openegiz.flux.broker.config;

import java.nio.file.Path;
import java.util.Map;

/**
 * Security settings that are not per-listener TLS: who may connect, what they may do, and the
 * per-client limits that protect the broker from one client (SEC-4, SEC-5, SEC-6, FR-5.5).
 *
 * @param passwordFile Mosquitto password file (password_file), or null
 * @param aclFile Mosquitto ACL file (acl_file), or null
 * @param limits the per-client limits every client gets unless overridden
 * @param listenerLimits overrides by listener port (limits_for_listener)
 * @param userLimits overrides by username (limits_for_user); a user override wins over a listener one
 * @param rateAction what happens to a client that publishes faster than its rate (publish_rate_action)
 * @param audit the audit log: where it goes, its rotation and the aggregation of ACL denials
 * @param maxConnectsPerAddress new connections accepted per remote address per second; 0 = no limit
 * @param logins failed-login delay, lockouts and pending logins per address
 * @param subscribeRate topic filters per second per connection in SUBSCRIBE and UNSUBSCRIBE
 * @param retainedTotals the broker-wide bound on retained messages (max_retained_messages, max_retained_bytes)
 */
public record SecurityConfig(Path passwordFile, Path aclFile, ClientLimits limits,
    Map<Integer, ClientLimits.Override> listenerLimits, Map<String, ClientLimits.Override> userLimits,
    RateAction rateAction, AuditConfig audit, int maxConnectsPerAddress, LoginLimits logins,
    SubscribeRate subscribeRate, RetainedTotals retainedTotals) {

  /**
   * How many retained messages, and how many bytes of them (topic, payload and properties), the broker
   * keeps in all; 0 means no limit. The defaults hold 10,000 sensors with a few status topics each ten
   * times over, and cap the memory one factory's retained set can take.
   */
  public record RetainedTotals(int maxMessages, long maxBytes) {
    public static final RetainedTotals DEFAULTS = new RetainedTotals(100_000, 256L * 1024 * 1024);
  }

  /** What the broker does to a client above its publish rate. */
  public enum RateAction {
    /** Stop reading the client's socket until its bucket refills: nothing is lost (the default). */
    SLOW,
    /** Disconnect it: MQTT 5 reason 0x96 Message rate too high. */
    DISCONNECT
  }

  public static final int DEFAULT_MAX_CONNECTS_PER_ADDRESS = 200;

  public SecurityConfig {
    listenerLimits = Map.copyOf(listenerLimits);
    userLimits = Map.copyOf(userLimits);
  }

  /** No files, the spec's limits, slow-down, audit to standard error. */
  public static SecurityConfig defaults(ClientLimits limits) {
    return new SecurityConfig(null, null, limits, Map.of(), Map.of(), RateAction.SLOW, AuditConfig.defaults("-"),
        DEFAULT_MAX_CONNECTS_PER_ADDRESS, LoginLimits.defaults(), SubscribeRate.defaults(),
        RetainedTotals.DEFAULTS);
  }

  /** Where audit events go: a file path, or "-" for standard error. */
  public String auditLog() {
    return audit.target();
  }

  /** The limits for a client on a listener port with a username (null when anonymous). */
  public ClientLimits limitsFor(int listenerPort, String username) {
    ClientLimits l = limits;
    ClientLimits.Override byListener = listenerLimits.get(listenerPort);
    if (byListener != null) l = l.with(byListener);
    ClientLimits.Override byUser = username == null ? null : userLimits.get(username);
    if (byUser != null) l = l.with(byUser);
    return l;
  }

  public SecurityConfig withFiles(Path password, Path acl) {
    return new SecurityConfig(password, acl, limits, listenerLimits, userLimits, rateAction, audit,
        maxConnectsPerAddress, logins, subscribeRate, retainedTotals);
  }
}
