package io.openegiz.flux.broker.message;

/**
 * Static validation and matching helpers for MQTT topic names and topic filters (MQTT 3.1.1
 * section 4.7, MQTT 5 sections 4.7 and 4.8.2). Validators return null when valid, else a short
 * reason suitable for a log line or a reason string.
 */
public final class Topics {

  /** Default cap on filter levels; deep filters cost recursion and memory in the tree. */
  public static final int DEFAULT_MAX_LEVELS = 128;

  /** UTF-8 strings in MQTT carry a two byte length prefix. */
  public static final int MAX_UTF8_BYTES = 65_535;

  static final String SHARE_PREFIX = "$share/";

  /** The first level of the topics only the broker publishes (Mosquitto's {@code $SYS} tree). */
  public static final String SYS = "$SYS";

  private Topics() {}

  /**
   * True for {@code $SYS} and the topics below it: the broker's own, which no client may publish to, as
   * in Mosquitto (a client's PUBLISH there is refused as not authorized).
   */
  public static boolean isSys(String topic) {
    return topic.startsWith(SYS) && (topic.length() == SYS.length() || topic.charAt(SYS.length()) == '/');
  }

  /** Returns null when {@code t} is a valid topic name (as used in PUBLISH), else the reason. */
  public static String validateTopicName(String t) {
    if (t == null) {
      return "topic name is null";
    }
    if (t.isEmpty()) {
      return "topic name is empty"; // [MQTT-4.7.3-1]
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c == '+' || c == '#') {
        return "topic name contains a wildcard"; // [MQTT-3.3.2-2], [MQTT-4.7.1-1]
      }
    }
    return validateString(t, "topic name");
  }

  /** Validates a topic filter with the {@link #DEFAULT_MAX_LEVELS default level cap}. */
  public static String validateTopicFilter(String f) {
    return validateTopicFilter(f, DEFAULT_MAX_LEVELS);
  }

  /**
   * Returns null when {@code f} is a valid topic filter (without any {@code $share/} prefix) of at
   * most {@code maxLevels} levels, else the reason.
   */
  public static String validateTopicFilter(String f, int maxLevels) {
    if (f == null) {
      return "topic filter is null";
    }
    if (f.isEmpty()) {
      return "topic filter is empty"; // [MQTT-4.7.3-1]
    }
    int levels = 1;
    int levelStart = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '/') {
        levels++;
        levelStart = i + 1;
      } else if (c == '#') {
        // [MQTT-4.7.1-2] '#' alone in its level and the last character of the filter.
        if (i != levelStart || i != f.length() - 1) {
          return "'#' must be alone in the last level";
        }
      } else if (c == '+') {
        // [MQTT-4.7.1-3] '+' must occupy an entire level.
        boolean endsLevel = i == f.length() - 1 || f.charAt(i + 1) == '/';
        if (i != levelStart || !endsLevel) {
          return "'+' must occupy an entire level";
        }
      }
    }
    if (levels > maxLevels) {
      return "topic filter has more than " + maxLevels + " levels";
    }
    return validateString(f, "topic filter");
  }

  /**
   * Splits {@code $share/{group}/{filter}} into its group and filter; a non-shared filter comes
   * back with a null group. Does not validate a non-shared filter.
   *
   * @throws IllegalArgumentException when the filter starts with {@code $share/} but the share name
   *     or the filter after it is invalid
   */
  public static SharedFilter parseShared(String filter) {
    if (!filter.startsWith(SHARE_PREFIX)) {
      return new SharedFilter(null, filter);
    }
    int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
    if (groupEnd < 0) {
      // [MQTT-4.8.2-2] the share name must be followed by '/' and a topic filter.
      throw new IllegalArgumentException("shared subscription has no topic filter");
    }
    String group = filter.substring(SHARE_PREFIX.length(), groupEnd);
    if (group.isEmpty()) {
      throw new IllegalArgumentException("share name is empty"); // [MQTT-4.8.2-1]
    }
    if (group.indexOf('+') >= 0 || group.indexOf('#') >= 0) {
      throw new IllegalArgumentException("share name contains a wildcard"); // [MQTT-4.8.2-1]
    }
    String rest = filter.substring(groupEnd + 1);
    String reason = validateTopicFilter(rest);
    if (reason != null) {
      throw new IllegalArgumentException("shared subscription: " + reason); // [MQTT-4.8.2-2]
    }
    return new SharedFilter(group, rest);
  }

  /**
   * Reference matcher: true when {@code topic} matches {@code filter}; both are assumed valid. Slow
   * (splits strings); the broker uses the routing package's {@code SubscriptionTree}.
   */
  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
      return false; // [MQTT-4.7.2-1]
    }
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) {
        return true; // [MQTT-4.7.1-2] also matches the parent level: "sport/#" matches "sport"
      }
      if (i >= t.length) {
        return false;
      }
      if (!f[i].equals("+") && !f[i].equals(t[i])) {
        return false;
      }
    }
    return f.length == t.length;
  }

  /**
   * Checks what topic names and filters share: no U+0000, well-formed UTF-16 (so well-formed
   * UTF-8 on the wire) and at most 65535 encoded bytes; counts bytes without allocating.
   */
  private static String validateString(String s, String what) {
    long bytes = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\u0000') {
        return what + " contains U+0000"; // [MQTT-4.7.3-2]
      }
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) {
          return what + " is not well-formed UTF-8"; // [MQTT-1.5.3-1]
        }
        bytes += 4;
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return what + " is not well-formed UTF-8"; // [MQTT-1.5.3-1]
      } else {
        bytes += 3;
      }
    }
    if (bytes > MAX_UTF8_BYTES) {
      return what + " is longer than 65535 UTF-8 bytes"; // [MQTT-4.7.3-3]
    }
    return null;
  }
}
