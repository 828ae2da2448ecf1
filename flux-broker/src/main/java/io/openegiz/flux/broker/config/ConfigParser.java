package io.openegiz.flux.broker.config;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a mosquitto.conf-compatible file into a validated {@link BrokerConfig}. The whole file is
 * checked before anything starts, and every problem is reported at once in one {@link ConfigException}.
 */
public final class ConfigParser {

  /** The largest MQTT packet (remaining length), which is also what Mosquitto means by "no limit". */
  public static final int MQTT_MAX_SIZE = 268_435_455;

  /** What a listener with no address binds, as Mosquitto does. */
  public static final String ALL_INTERFACES = "0.0.0.0";

  /** Mosquitto refuses a smaller max_packet_size: no CONNECT fits in fewer bytes. */
  private static final int MIN_PACKET_SIZE = 20;

  private static final int MAX_CONNECT_TIMEOUT_SECONDS = 3600;

  private static final String SECURITY_ERROR = "a Mosquitto security option Flux does not support; remove it"
      + " (Flux refuses to start rather than ignore a security setting; docs/security.md lists what Flux offers)";

  /** Mosquitto keys that are read and ignored so that real mosquitto.conf files start unchanged. */
  private static final Set<String> COMPATIBILITY_ONLY = Set.of(
      "log_dest", "log_type", "log_timestamp", "log_timestamp_format", "connection_messages",
      "autosave_interval", "autosave_on_changes", "persistence_file", "user", "pid_file",
      // Mosquitto 2 itself ignores these two obsolete keys.
      "store_clean_interval", "retry_interval");

  /** Security keys: ignoring one could open the broker, so each one stops start-up. */
  private static final Set<String> SECURITY_KEYS = Set.of(
      "capath",
      "tls_engine", "tls_engine_kpass_sha1", "tls_keyform",
      "use_username_as_clientid", "dhparamfile", "psk_file", "psk_hint", "auth_plugin", "plugin", "plugin_load",
      "plugin_use", "global_plugin", "listener_allow_anonymous", "auth_plugin_deny_special_chars");

  private static final List<String> SECURITY_PREFIXES = List.of("auth_opt_", "plugin_opt_");

  /** Other Mosquitto keys: named so the error says "not supported" rather than "unknown". */
  private static final Set<String> MOSQUITTO_UNSUPPORTED = Set.of(
      "protocol", "socket_domain", "mount_point", "http_dir", "websockets_log_level",
      "websockets_headers_size", "max_inflight_bytes", "queue_qos0_messages", "upgrade_outgoing_qos",
      "memory_limit", "clientid_prefixes", "check_retain_source", "allow_duplicate_messages",
      "auto_id_prefix", "listener_auto_id_prefix", "retain_available", "max_qos", "set_tcp_nodelay",
      "log_facility", "bind_interface", "accept_protocol_versions", "enable_control_api", "connection",
      "address", "topic", "cleansession", "clientid", "keepalive_interval", "remote_username",
      "remote_password", "remote_clientid", "local_clientid", "notifications", "start_type",
      "restart_timeout", "idle_timeout", "threshold", "try_private", "round_robin", "allow_anonymous_listener");

  /** Duration units of Mosquitto's persistent_client_expiration, plus "s" as a Flux extension. */
  private static final Map<String, Long> DURATION_UNITS = Map.of(
      "s", 1L, "h", 3600L, "d", 86_400L, "w", 7 * 86_400L, "m", 30 * 86_400L, "y", 365 * 86_400L);

  static final Pattern DURATION = Pattern.compile("(\\d+)([a-zA-Z]*)");
  static final Pattern INTEGER = Pattern.compile("-?\\d+");

  static final Map<String, Key> KEYS = keys();

  private ConfigParser() {}

  /** The parsed configuration and the non-fatal remarks about it (ignored keys, risky combinations). */
  public record Result(BrokerConfig config, List<String> warnings) {
    public Result {
      warnings = List.copyOf(warnings);
    }
  }

  /** Reads and validates {@code file}; {@code include_dir} directories are resolved as given. */
  public static Result parse(Path file) throws ConfigException {
    try {
      return parse(file.toString(), Files.readAllLines(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the configuration file: " + describe(e)));
    }
  }

  /** Validates {@code lines} as the content of a file called {@code fileName} (used in messages). */
  public static Result parse(String fileName, List<String> lines) throws ConfigException {
    ParseState s = new ParseState(fileName);
    for (Directive d : directives(fileName, lines)) {
      if (d.key().equals("include_dir")) {
        // Expanded in place so that the included lines, and their errors, keep their position.
        included(s, d).forEach(inc -> apply(s, inc));
      } else {
        apply(s, d);
      }
    }
    return finish(s);
  }

  // ---------------------------------------------------------------- reading lines

  /** One {@code key value...} line; {@code rest} is the raw text after the key, for path values. */
  record Directive(String file, int line, String key, List<String> args, String rest) {
    String where() {
      return file + ":" + line;
    }
  }

  private static List<Directive> directives(String file, List<String> lines) {
    List<Directive> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String text = lines.get(i);
      if (i == 0 && text.startsWith("\uFEFF")) {
        text = text.substring(1); // editors on Windows add a byte order mark
      }
      text = text.strip();
      // As in Mosquitto, '#' starts a comment only as the first character of a line.
      if (text.isEmpty() || text.startsWith("#")) {
        continue;
      }
      String[] words = text.split("\\s+");
      String rest = text.substring(words[0].length()).strip();
      out.add(new Directive(file, i + 1, words[0], List.of(words).subList(1, words.length), rest));
    }
    return out;
  }

  /** The lines of the {@code *.conf} files of an {@code include_dir}, in Mosquitto's order. */
  private static List<Directive> included(ParseState s, Directive include) {
    List<Directive> out = new ArrayList<>();
    if (s.arityOk(include, KEYS.get("include_dir"))) {
      for (Path file : includedFiles(s, include)) {
        out.addAll(includedDirectives(s, include, file));
      }
    }
    return out;
  }

  private static List<Path> includedFiles(ParseState s, Directive d) {
    Path dir;
    try {
      dir = Path.of(d.rest());
    } catch (InvalidPathException e) {
      s.error(d, quote(d.rest()) + " is not a valid path");
      return List.of();
    }
    if (!Files.isDirectory(dir)) {
      s.error(d, quote(d.rest()) + " is not a directory");
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      // Mosquitto's order: case-sensitive by name, capitals first, which is String order.
      return files.filter(f -> f.getFileName().toString().endsWith(".conf"))
          .filter(Files::isRegularFile)
          .sorted(Comparator.comparing(f -> f.getFileName().toString()))
          .toList();
    } catch (IOException e) {
      s.error(d, quote(d.rest()) + " cannot be listed: " + describe(e));
      return List.of();
    }
  }

  private static List<Directive> includedDirectives(ParseState s, Directive include, Path file) {
    if (s.isMainFile(file)) {
      s.error(include, quote(include.rest()) + " holds the main configuration file, which would be read twice");
      return List.of();
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      s.error(include, file + " cannot be read: " + describe(e));
      return List.of();
    }
    return directives(file.toString(), lines);
  }

  // ---------------------------------------------------------------- keys

  /** How one supported key is written: its accepted values (for messages), argument count and effect. */
  record Key(String accepted, int minArgs, int maxArgs, BiConsumer<ParseState, Directive> handler) {}

  private static Map<String, Key> keys() {
    Map<String, Key> k = new LinkedHashMap<>();
    k.put("listener", new Key("listener PORT [ADDRESS], PORT an integer from 0 to 65535 (0 = any free port),"
        + " ADDRESS an IP address or host name (default: all interfaces)", 1, 2, ConfigParser::listener));
    k.put("port", new Key("an integer from 0 to 65535", 1, 1, ConfigParser::port));
    k.put("bind_address", new Key("an IP address or host name", 1, 1, ConfigParser::bindAddress));
    k.put("allow_anonymous", bool((s, v) -> s.builder.allowAnonymous(v)));
    k.put("allow_zero_length_clientid", bool((s, v) -> s.builder.allowZeroLengthClientid(v)));
    k.put("persistence", bool((s, v) -> s.builder.persistence(v)));
    k.put("session_ownership", new Key("identity (a session is resumed or taken over only by the identity that"
        + " created it) or client_id (by whoever presents its client id, as in Mosquitto)", 1, 1,
        ConfigParser::sessionOwnership));
    k.put("per_listener_settings", bool(ConfigParser::perListenerSettings));
    k.put("persistence_location", new Key("a path to a directory", 1, Integer.MAX_VALUE,
        ConfigParser::persistenceLocation));
    k.put("persistence_sync", new Key("group, or periodic MILLIS with MILLIS from 1 to 10000", 1, 2,
        ConfigParser::persistenceSync));
    k.put("include_dir", new Key("a directory whose *.conf files are read in name order", 1,
        Integer.MAX_VALUE, (s, d) -> s.error(d, "allowed only in the main configuration file, as in Mosquitto")));
    // The main file's include_dir lines never reach this handler: parse() expands them.
    k.put("persistent_client_expiration", new Key("a positive whole number followed by a unit: h (hours),"
        + " d (days), w (weeks), m (months of 30 days, not minutes), y (years of 365 days), or s (seconds,"
        + " Flux only), e.g. 2h or 14d", 1, 1, ConfigParser::persistentClientExpiration));
    k.put("connect_timeout", new Key("a whole number of seconds from 1 to " + MAX_CONNECT_TIMEOUT_SECONDS
        + " followed by s, e.g. 10s", 1, 1, ConfigParser::connectTimeout));
    putNumbers(k);
    ListenerKeys.register(k);
    SecurityKeys.register(k);
    ConnectionKeys.register(k);
    HttpKeys.register(k);
    HttpKeys.registerTopics(k);
    return Collections.unmodifiableMap(k);
  }

  private static void putNumbers(Map<String, Key> k) {
    k.put("max_inflight_messages", number("an integer from 0 to 65535 (0 = Mosquitto's unlimited, taken as 65535)",
        0, 65535, (s, n) -> s.builder.maxInflightMessages(n == 0 ? 65535 : n.intValue())));
    k.put("max_queued_messages", number("an integer from 0 to " + Integer.MAX_VALUE
        + " (0 = no count limit; max_queued_bytes still applies)", 0, Integer.MAX_VALUE, (s, n) -> {
          s.builder.maxQueuedMessages(n == 0 ? Integer.MAX_VALUE : n.intValue());
          s.queuedMessagesUnlimited = n == 0;
        }));
    k.put("max_queued_bytes", number("an integer from 0 to " + Long.MAX_VALUE + " (0 = no byte limit)",
        0, Long.MAX_VALUE, (s, n) -> {
          s.builder.maxQueuedBytes(n);
          s.queuedBytesUnlimited = n == 0;
        }));
    k.put("message_size_limit", number("an integer from 0 to " + MQTT_MAX_SIZE
        + " bytes (0 = Mosquitto's no limit, taken as " + MQTT_MAX_SIZE + ")", 0, MQTT_MAX_SIZE, (s, n) -> {
          s.builder.messageSizeLimit(n == 0 ? MQTT_MAX_SIZE : n.intValue());
          s.messageSizeLimit = n.intValue();
        }));
    k.put("max_packet_size", number("0 (no limit, taken as " + MQTT_MAX_SIZE + ") or an integer from "
        + MIN_PACKET_SIZE + " to " + MQTT_MAX_SIZE + " bytes", 0, MQTT_MAX_SIZE, ConfigParser::maxPacketSize));
    k.put("sys_interval", number("an integer from 0 to " + BrokerConfig.MAX_SYS_INTERVAL + " seconds between two"
        + " publications of the $SYS topics (0 = no $SYS topics)", 0, BrokerConfig.MAX_SYS_INTERVAL,
        (s, n) -> s.builder.sysInterval(n.intValue())));
    k.put("io_threads", number("an integer from 0 (one per two cores) to " + BrokerConfig.MAX_IO_THREADS
        + " event loops serving the MQTT connections", 0, BrokerConfig.MAX_IO_THREADS,
        (s, n) -> s.builder.ioThreads(n.intValue())));
    k.put("status_max_devices", number("an integer from 0 (no fleet view on the status page) to 1000000 devices",
        0, 1_000_000, (s, n) -> s.builder.statusMaxDevices(n.intValue())));
    k.put("max_keepalive", number("an integer from 0 to 65535 seconds (0 = no maximum)", 0, 65535,
        (s, n) -> s.builder.maxKeepalive(n.intValue())));
  }

  private static Key bool(BiConsumer<ParseState, Boolean> setter) {
    return new Key("true or false", 1, 1, (s, d) -> {
      String v = d.args().get(0);
      if (v.equals("true") || v.equals("false")) {
        setter.accept(s, Boolean.parseBoolean(v));
      } else {
        s.error(d, quote(v) + " is not true or false");
      }
    });
  }

  static Key number(String accepted, long min, long max, BiConsumer<ParseState, Long> setter) {
    return new Key(accepted, 1, 1, (s, d) -> {
      Long n = s.number(d, d.args().get(0), min, max);
      if (n != null) {
        setter.accept(s, n);
      }
    });
  }

  private static void apply(ParseState s, Directive d) {
    Key key = KEYS.get(d.key());
    if (key != null) {
      s.last.put(d.key(), d);
      if (s.arityOk(d, key)) {
        key.handler().accept(s, d);
      }
    } else if (COMPATIBILITY_ONLY.contains(d.key())) {
      s.warnings.add(d.where() + ": " + d.key() + ": accepted for compatibility, has no effect yet");
    } else if (SECURITY_KEYS.contains(d.key()) || SECURITY_PREFIXES.stream().anyMatch(d.key()::startsWith)) {
      s.report(d.where(), d.key(), SECURITY_ERROR);
    } else if (MOSQUITTO_UNSUPPORTED.contains(d.key()) || d.key().startsWith("bridge_")) {
      s.report(d.where(), d.key(), "a Mosquitto option Flux does not support; remove it"
          + " (docs/configuration.md lists the accepted keys)");
    } else {
      s.report(d.where(), d.key(), unknownKeyMessage(d.key()));
    }
  }

  private static void listener(ParseState s, Directive d) {
    Long port = s.number(d, d.args().get(0), 0, 65535);
    String address = d.args().size() > 1 ? d.args().get(1) : ALL_INTERFACES;
    if (address.startsWith("/")) {
      s.error(d, quote(address) + " is a Unix socket path; Unix sockets are not supported");
    } else if (port != null) {
      s.listeners.add(new Declared(new ListenerConfig(port.intValue(), address, d.where()), d.key(),
          new ListenerKeys.Settings()));
    }
  }

  private static void port(ParseState s, Directive d) {
    Long port = s.number(d, d.args().get(0), 0, 65535);
    if (port != null) {
      s.defaultPort = port.intValue();
      s.defaultListener = d;
    }
  }

  private static void bindAddress(ParseState s, Directive d) {
    s.bindAddress = d.args().get(0);
    if (s.defaultListener == null || !s.defaultListener.key().equals("port")) {
      s.defaultListener = d;
    }
  }

  private static void perListenerSettings(ParseState s, boolean value) {
    s.perListenerSettings = value;
    Directive d = s.last.get("per_listener_settings");
    s.warnings.add(d.where() + ": " + d.key() + ": accepted for compatibility, has no effect yet");
  }

  private static void persistenceLocation(ParseState s, Directive d) {
    try {
      s.builder.persistenceLocation(Path.of(d.rest()));
    } catch (InvalidPathException e) {
      s.error(d, quote(d.rest()) + " is not a valid path");
    }
  }

  /** Flux: how the store syncs; group commit (the default) or a periodic fsync that risks an OS crash. */
  private static void persistenceSync(ParseState s, Directive d) {
    List<String> a = d.args();
    if (a.size() == 1 && a.get(0).equals("group")) {
      s.builder.persistenceSyncMillis(0);
      return;
    }
    if (a.size() == 2 && a.get(0).equals("periodic")) {
      try {
        long millis = Long.parseLong(a.get(1));
        if (millis >= 1 && millis <= 10_000) {
          s.builder.persistenceSyncMillis(millis);
          return;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    s.error(d, quote(String.join(" ", a)) + " is not group or periodic MILLIS (1 to 10000)");
  }

  private static void sessionOwnership(ParseState s, Directive d) {
    switch (d.args().get(0)) {
      case "identity" -> s.builder.sessionOwnership(SessionOwnership.IDENTITY);
      case "client_id" -> s.builder.sessionOwnership(SessionOwnership.CLIENT_ID);
      default -> s.error(d, quote(d.args().get(0)) + " is not identity or client_id");
    }
  }

  private static void maxPacketSize(ParseState s, Long n) {
    Directive d = s.last.get("max_packet_size");
    if (n != 0 && n < MIN_PACKET_SIZE) {
      s.error(d, n + " is too small to hold a CONNECT packet");
      return;
    }
    // An explicit 0 is Mosquitto's "no limit"; only an absent key lets BrokerConfig derive the value.
    s.maxPacketSize = n == 0 ? MQTT_MAX_SIZE : n.intValue();
    s.builder.maxPacketSize(s.maxPacketSize);
  }

  private static void persistentClientExpiration(ParseState s, Directive d) {
    Duration duration = s.duration(d, DURATION_UNITS);
    if (duration != null) {
      s.builder.persistentClientExpiration(duration);
    }
  }

  private static void connectTimeout(ParseState s, Directive d) {
    Duration duration = s.duration(d, Map.of("s", 1L));
    if (duration == null) {
      return;
    }
    if (duration.getSeconds() > MAX_CONNECT_TIMEOUT_SECONDS) {
      s.error(d, d.args().get(0) + " is out of range");
    } else {
      s.builder.connectTimeout(duration);
    }
  }

  // ---------------------------------------------------------------- whole-file checks

  /** A listener and the key that declared it ({@code listener}, or {@code port}/{@code bind_address}). */
  record Declared(ListenerConfig listener, String key, ListenerKeys.Settings settings) {}

  private static Result finish(ParseState s) throws ConfigException {
    List<Declared> declared = s.allListeners();
    checkListenerClashes(s, declared);
    checkPacketSize(s);
    checkPerListenerSettings(s, declared);
    HttpKeys.finish(s);
    HttpKeys.checkClash(s, declared.isEmpty()
        ? s.builder.build().listeners()
        : declared.stream().map(Declared::listener).toList());
    List<Declared> built = ListenerKeys.finish(s, declared);
    if (s.queuedMessagesUnlimited && s.queuedBytesUnlimited) {
      Directive d = s.last.get("max_queued_messages");
      s.warnings.add(d.where() + ": " + d.key() + ": 0 together with max_queued_bytes 0 leaves per-client"
          + " queues unbounded; a slow subscriber can exhaust the broker's memory");
    }
    if (!declared.isEmpty() && !s.last.containsKey("allow_anonymous")) {
      // Mosquitto 2 refuses anonymous clients once a listener is configured; doing otherwise would
      // open a broker that the same file keeps closed under Mosquitto.
      s.builder.allowAnonymous(false);
      s.warnings.add(s.fileName + ": allow_anonymous: not set while listeners are declared, so anonymous"
          + " clients are refused, as in Mosquitto 2; add \"allow_anonymous true\" to let them in");
    }
    if (!s.errors.isEmpty()) {
      throw new ConfigException(s.errors);
    }
    if (!declared.isEmpty()) {
      s.builder.listeners(built.stream().map(Declared::listener).toList());
    }
    s.builder.security(s.security.build());
    s.builder.connectionLimits(s.connections.build());
    return new Result(s.builder.build(), s.warnings);
  }

  private static void checkListenerClashes(ParseState s, List<Declared> declared) {
    for (int j = 1; j < declared.size(); j++) {
      ListenerConfig later = declared.get(j).listener();
      for (int i = 0; i < j; i++) {
        ListenerConfig earlier = declared.get(i).listener();
        String clash = clash(earlier, later);
        if (clash != null) {
          s.report(later.source(), declared.get(j).key(), clash + "; accepted: each port once per address");
          break;
        }
      }
    }
  }

  /** Why two listeners cannot both bind, or null. Port 0 picks a fresh port each time, so never clashes. */
  private static String clash(ListenerConfig a, ListenerConfig b) {
    if (a.port() != b.port() || a.port() == 0) {
      return null;
    }
    String what = "port " + b.port() + " on " + b.bindAddress();
    if (a.bindAddress().equals(b.bindAddress())) {
      return what + " is already declared at " + a.source();
    }
    boolean ipv4Overlap = (a.bindAddress().equals(ALL_INTERFACES) && !b.bindAddress().contains(":"))
        || (b.bindAddress().equals(ALL_INTERFACES) && !a.bindAddress().contains(":"));
    return ipv4Overlap
        ? what + " overlaps " + a.bindAddress() + ":" + a.port() + " declared at " + a.source()
            + " (0.0.0.0 covers every IPv4 address), so the second bind would fail"
        : null;
  }

  private static void checkPacketSize(ParseState s) {
    // A message_size_limit of 0 means "no limit of its own": the packet limit then bounds the payload.
    if (s.maxPacketSize != null && s.messageSizeLimit != null && s.messageSizeLimit != 0
        && s.maxPacketSize < s.messageSizeLimit) {
      Directive d = s.last.get("max_packet_size");
      s.report(d.where(), d.key(), s.maxPacketSize + " is smaller than message_size_limit "
          + s.messageSizeLimit + " (" + s.last.get("message_size_limit").where() + "), so such messages"
          + " could never arrive; accepted: at least message_size_limit");
    }
  }

  private static void checkPerListenerSettings(ParseState s, List<Declared> declared) {
    if (s.perListenerSettings && declared.size() > 1) {
      Directive d = s.last.get("per_listener_settings");
      s.report(d.where(), d.key(), "true with several listeners is not supported yet: Flux applies"
          + " allow_anonymous and allow_zero_length_clientid to every listener; accepted: false,"
          + " or true with a single listener");
    }
  }

  // ---------------------------------------------------------------- messages

  private static String unknownKeyMessage(String key) {
    Set<String> candidates = new TreeSet<>(KEYS.keySet());
    candidates.addAll(COMPATIBILITY_ONLY);
    String best = null;
    int bestDistance = Math.max(2, key.length() / 3) + 1;
    for (String candidate : candidates) {
      int distance = editDistance(key, candidate);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best == null
        ? "unknown key; accepted: the keys listed in docs/configuration.md"
        : "unknown key; did you mean \"" + best + "\"?";
  }

  /** Levenshtein distance, case-insensitive so "Listener" still finds "listener". */
  static int editDistance(String a, String b) {
    String x = a.toLowerCase(java.util.Locale.ROOT);
    String y = b.toLowerCase(java.util.Locale.ROOT);
    int[] previous = new int[y.length() + 1];
    int[] current = new int[y.length() + 1];
    for (int j = 0; j <= y.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= x.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= y.length(); j++) {
        int substitution = previous[j - 1] + (x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[y.length()];
  }

  static String quote(String value) {
    return "\"" + value + "\"";
  }

  private static String describe(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof MalformedInputException) {
      return "not UTF-8 text";
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }

}
