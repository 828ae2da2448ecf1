package io.openegiz.flux.archiver;

import io.openegiz.flux.archiver.pipeline.Pipeline;
import io.openegiz.flux.archiver.sink.Retention;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Everything the archiver needs, validated when built: from a config file ({@code key value} lines, {@code #}
 * comments, as mosquitto.conf) and command-line options, through one list of {@link Setting}s; every error is
 * reported at once. Keys and defaults are in docs/archive.md.
 *
 * @param broker             {@code tcp://host:port} or {@code ssl://host:port}
 * @param clientId           fixed client id of the persistent session
 * @param topics             topic filters, QoS 1
 * @param username           MQTT username, or {@code null}
 * @param password           MQTT password, or {@code null}
 * @param cafile             PEM CA file for {@code ssl://}, or {@code null} for the JVM's CAs
 * @param certfile           PEM client certificate, or {@code null}
 * @param keyfile            its PKCS#8 PEM key, or {@code null}
 * @param sessionExpiry      how long the broker keeps the session while the archiver is away
 * @param database           where the points go: embedded QuestDB, QuestDB, InfluxDB 1.x or 2.x/3.x
 * @param deadLetterDir      directory of the dead-letter files
 * @param deadLetterMaxBytes size at which the dead-letter file is rotated
 * @param deadLetterKeep     rotated dead-letter files kept
 * @param batchSize          points per write, at most
 * @param batchInterval      longest wait of the first message of a batch
 * @param batchIdle          a batch is also written when no message came for this long
 * @param maxInFlight        points held before the archiver stops reading from the broker
 * @param retryMax           cap of the backoff between write attempts
 * @param retention          retention policies and aggregation to set up, or {@code null} to leave them alone
 */
public record ArchiverConfig(URI broker, String clientId, List<String> topics, String username, String password,
    Path cafile, Path certfile, Path keyfile, Duration sessionExpiry,
    Database database,
    Path deadLetterDir, long deadLetterMaxBytes, int deadLetterKeep,
    int batchSize, Duration batchInterval, Duration batchIdle, int maxInFlight, Duration retryMax,
    Retention retention) {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kKmMgG]?)[bB]?");
  private static final List<String> KEYS = List.of("broker", "client_id", "topic", "username", "password", "cafile",
      "certfile", "keyfile", "session_expiry", "questdb_url", "influx_url", "db", "rp", "influx_user",
      "influx_password", "org", "bucket", "token", "data_dir", "questdb_port", "dead_letter", "dead_letter_max_size",
      "dead_letter_keep", "batch_size", "batch_interval", "batch_idle",
      "max_in_flight", "retry_max", "retention", "retention_raw", "retention_aggregated", "aggregate_interval");

  /** Reads a config file into settings with {@code file:line} origins; the file's own errors come later. */
  public static List<Setting> read(Path file) throws IOException {
    List<Setting> settings = new ArrayList<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] kv = line.split("\\s+", 2);
      settings.add(new Setting(file + ":" + (i + 1), kv[0], kv.length > 1 ? kv[1].strip() : ""));
    }
    return settings;
  }

  /**
   * Builds the config from settings in order (a later single-valued key wins; {@code topic} accumulates).
   *
   * @throws ConfigException listing every error
   */
  public static ArchiverConfig parse(List<Setting> settings) {
    return new Parser(settings).build();
  }

  /** The pipeline's part of the settings. */
  public Pipeline.Settings pipeline() {
    return new Pipeline.Settings(batchSize, batchInterval, batchIdle,
        maxInFlight, retryMax);
  }

  static final class Parser {
    private final List<String> errors = new ArrayList<>();
    private final Map<String, Setting> last = new HashMap<>();
    private final List<Setting> topicSettings = new ArrayList<>();

    Parser(List<Setting> settings) {
      for (Setting s : settings) {
        if (!KEYS.contains(s.key())) {
          errors.add(s.origin() + ": " + s.key() + ": unknown key; accepted: " + String.join(", ", KEYS));
        } else if (s.value().isEmpty()) {
          errors.add(s.origin() + ": " + s.key() + ": has no value");
        } else if (s.key().equals("topic")) {
          topicSettings.add(s);
        } else {
          last.put(s.key(), s);
        }
      }
    }

    ArchiverConfig build() {
      int before = errors.size();
      URI broker = get("broker", URI.create("tcp://127.0.0.1:1883"), Parser::broker);
      boolean brokerValid = errors.size() == before;
      List<String> topics = new ArrayList<>();
      for (Setting s : topicSettings) {
        String t = s.value();
        if (t.contains(" ") || t.startsWith("$") && !t.startsWith("$share/")) {
          errors.add(s.origin() + ": topic: \"" + t + "\" is not a topic filter; accepted: e.g. openegiz/#");
        } else {
          topics.add(t);
        }
      }
      if (topics.isEmpty()) {
        topics.add("openegiz/#");
      }
      String username = text("username", null);
      String password = text("password", null);
      Path cafile = get("cafile", null, Path::of);
      Path certfile = get("certfile", null, Path::of);
      Path keyfile = get("keyfile", null, Path::of);
      if (password != null && username == null) {
        errors.add(origin("password") + ": password: given without a username; accepted: username and password");
      }
      if ((certfile == null) != (keyfile == null)) {
        String key = certfile == null ? "keyfile" : "certfile";
        errors.add(origin(key) + ": " + key + ": certfile and keyfile go together; accepted: both or neither");
      }
      if ((cafile != null || certfile != null) && brokerValid && !"ssl".equals(broker.getScheme())) {
        errors.add(origin("broker") + ": broker: TLS files are given but the broker URL is " + broker
            + "; accepted: ssl://host:port");
      }
      for (String key : List.of("cafile", "certfile", "keyfile")) {
        Path p = get(key, null, Path::of);
        if (p != null && !Files.isReadable(p)) {
          errors.add(origin(key) + ": " + key + ": " + p + " is not a readable file");
        }
      }
      Path dataDir = get("data_dir", Path.of("flux-data"), Path::of);
      Database database = new DatabaseChoice(this).database(dataDir);
      ArchiverConfig config = new ArchiverConfig(broker, text("client_id", "flux-archiver"), topics, username,
          password, cafile, certfile, keyfile, get("session_expiry", Duration.ofDays(7), Parser::duration),
          database, get("dead_letter", dataDir.resolve("dead-letters"), Path::of),
          get("dead_letter_max_size", 64L << 20, Parser::size),
          get("dead_letter_keep", 10, v -> number(v, 1, 10_000)),
          get("batch_size", 5000, v -> number(v, 1, 1_000_000)),
          get("batch_interval", Duration.ofSeconds(1), Parser::duration),
          get("batch_idle", Duration.ofMillis(50), Parser::duration),
          get("max_in_flight", 100_000, v -> number(v, 1, 10_000_000)),
          get("retry_max", Duration.ofSeconds(30), Parser::duration), retention());
      if (config.maxInFlight() < config.batchSize() && last.containsKey("max_in_flight")) {
        errors.add(origin("max_in_flight") + ": max_in_flight: " + config.maxInFlight()
            + " is below batch_size " + config.batchSize() + "; accepted: at least batch_size");
      }
      if (!errors.isEmpty()) {
        throw new ConfigException(errors);
      }
      return config;
    }

    private Retention retention() {
      Retention defaults = Retention.defaults();
      Boolean on = get("retention", true, Parser::onOff);
      Retention retention = new Retention(get("retention_raw", defaults.raw(), Parser::hourOrMore),
          get("retention_aggregated", defaults.aggregated(), Parser::hourOrMore),
          get("aggregate_interval", defaults.interval(), Parser::duration));
      return on ? retention : null;
    }

    private static boolean onOff(String value) {
      return switch (value) {
        case "on", "true" -> true;
        case "off", "false" -> false;
        default -> throw new IllegalArgumentException("\"" + value + "\" is not accepted; accepted: on or off");
      };
    }

    private static Duration hourOrMore(String value) {
      Duration d = duration(value);
      if (d.compareTo(Duration.ofHours(1)) < 0) {
        throw new IllegalArgumentException("\"" + value + "\" is shorter than an hour; accepted: 1h or more");
      }
      return d;
    }

    boolean has(String key) {
      return last.containsKey(key);
    }

    void error(String error) {
      errors.add(error);
    }

    int errorCount() {
      return errors.size();
    }

    String origin(String key) {
      Setting s = last.get(key);
      return s == null ? key : s.origin();
    }

    String text(String key, String fallback) {
      Setting s = last.get(key);
      return s == null ? fallback : s.value();
    }

    <T> T get(String key, T fallback, Function<String, T> reader) {
      Setting s = last.get(key);
      if (s == null) {
        return fallback;
      }
      try {
        return reader.apply(s.value());
      } catch (IllegalArgumentException e) {
        errors.add(s.origin() + ": " + key + ": " + e.getMessage());
        return fallback;
      }
    }

    private static URI broker(String value) {
      URI uri = uri(value);
      if (!("tcp".equals(uri.getScheme()) || "ssl".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getPort() < 1) {
        throw new IllegalArgumentException("\"" + value + "\" is not a broker URL; accepted: tcp://host:port or "
            + "ssl://host:port");
      }
      return uri;
    }

    static URI http(String value) {
      URI uri = uri(value);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
        throw new IllegalArgumentException("\"" + value + "\" is not an HTTP URL; accepted: e.g. "
            + "http://127.0.0.1:8086");
      }
      return uri;
    }

    private static URI uri(String value) {
      try {
        return new URI(value);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException("\"" + value + "\" is not a URL: " + e.getReason());
      }
    }

    static Duration duration(String value) {
      Matcher m = DURATION.matcher(value);
      if (!m.matches()) {
        throw new IllegalArgumentException("\"" + value + "\" is not a duration; accepted: a whole number with a "
            + "unit ms, s, m, h or d, e.g. 500ms, 1s, 7d");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        default -> Duration.ofDays(n);
      };
    }

    private static long size(String value) {
      Matcher m = SIZE.matcher(value);
      if (!m.matches()) {
        throw new IllegalArgumentException("\"" + value + "\" is not a size; accepted: bytes, or a number with "
            + "k, M or G, e.g. 64M");
      }
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2).toLowerCase(Locale.ROOT)) {
        case "k" -> n << 10;
        case "m" -> n << 20;
        case "g" -> n << 30;
        default -> n;
      };
    }

    static int number(String value, int min, int max) {
      try {
        int n = Integer.parseInt(value);
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException("\"" + value + "\" is not accepted; accepted: an integer from " + min
          + " to " + max);
    }
  }
}
