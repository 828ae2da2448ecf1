package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigParser.quote;

import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/** Flux's HTTP endpoint keys ({@code http_listener}); Mosquitto has no such endpoint. */
public final class HttpKeys {
  private HttpKeys() {}

  static void register(Map<String, Key> k) {
    k.put("http_listener", new Key("http_listener PORT [ADDRESS], PORT an integer from 0 to 65535 (0 = any free"
        + " port), ADDRESS an IP address or host name (default: 127.0.0.1, this machine only)", 1, 2,
        HttpKeys::httpListener));
    k.put("http_auth_token_file", new Key("a readable file whose first line is the token, at least "
        + MIN_TOKEN + " characters", 1, Integer.MAX_VALUE, HttpKeys::tokenFile));
    k.put("http_password_file", new Key("a readable Mosquitto password file (flux passwd) of the users allowed"
        + " in with HTTP basic auth", 1, Integer.MAX_VALUE, (s, d) -> s.httpPasswordFile = s.readableFile(d)));
  }

  static void registerTopics(Map<String, Key> k) {
    k.put("metrics_topic_filter", new Key("metrics_topic_filter NAME FILTER, NAME of lower-case letters, digits,"
        + " '_' and '-' (not \"other\"), FILTER an MQTT topic filter, e.g. metrics_topic_filter electrical"
        + " openegiz/+/+/+/electrical/#", 2, 2, HttpKeys::topicFilter));
    k.put("metrics_topic_hierarchy", new Key("true or false", 1, 1, (s, d) -> {
      String v = d.args().get(0);
      if (v.equals("true") || v.equals("false")) {
        s.topicHierarchy = Boolean.parseBoolean(v);
      } else {
        s.error(d, quote(v) + " is not true or false");
      }
    }));
    k.put("metrics_topic_max_series", ConfigParser.number("an integer from 0 to 100000 (0 = everything under"
        + " \"other\")", 0, 100_000, (s, n) -> s.topicMaxSeries = n.intValue()));
  }

  private static final Pattern FILTER_NAME = Pattern.compile("[a-z0-9_-]{1,64}");

  private static void topicFilter(ParseState s, Directive d) {
    String name = d.args().get(0);
    String filter = d.args().get(1);
    String problem = !FILTER_NAME.matcher(name).matches()
        ? quote(name) + " is not a valid name"
        : name.equals("other")
            ? "\"other\" is the name of what is beyond the cap"
            : s.topicFilters.stream().anyMatch(f -> f.name().equals(name))
                ? quote(name) + " is already declared"
                : filterProblem(filter);
    if (problem != null) {
      s.error(d, problem);
    } else {
      s.topicFilters.add(new TopicMetrics.Filter(name, filter));
    }
  }

  /** Why {@code f} is no valid MQTT topic filter [MQTT-4.7.1], or null. */
  private static String filterProblem(String f) {
    String[] levels = f.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String l = levels[i];
      if ((l.contains("#") && (!l.equals("#") || i != levels.length - 1)) || (l.contains("+") && !l.equals("+"))) {
        return quote(f) + " is not a valid topic filter ('+' fills a whole level, '#' only the last)";
      }
    }
    return f.startsWith("$share/") ? quote(f) + " is a shared subscription, not a topic filter" : null;
  }

  /** Shorter tokens can be guessed; 16 characters is what {@code openssl rand -hex 8} gives. */
  static final int MIN_TOKEN = 16;

  private static void tokenFile(ParseState s, Directive d) {
    Path file = s.readableFile(d);
    if (file == null) {
      return;
    }
    try {
      String token = readToken(file);
      if (token.length() < MIN_TOKEN) {
        s.error(d, quote(d.rest()) + " holds a token of " + token.length() + " characters");
        return;
      }
      s.httpTokenFile = file;
    } catch (IOException e) {
      s.error(d, quote(d.rest()) + " cannot be read: " + e.getMessage());
    }
  }

  /** The token of a token file: its first line, without surrounding blanks. */
  public static String readToken(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    return lines.isEmpty() ? "" : lines.get(0).strip();
  }

  /** Attaches the credentials to the endpoint; warns when a non-loopback endpoint has none. */
  static void finish(ParseState s) {
    HttpConfig http = s.builder.build().http();
    if (!http.enabled()) {
      for (String key : List.of("http_auth_token_file", "http_password_file", "metrics_topic_filter",
          "metrics_topic_hierarchy", "metrics_topic_max_series")) {
        Directive d = s.last.get(key);
        if (d != null) {
          s.report(d.where(), key,
              "there is no http_listener (and so no /metrics); accepted: with an http_listener line");
        }
      }
      return;
    }
    http = http.withAuth(s.httpTokenFile, s.httpPasswordFile)
        .withTopics(new TopicMetrics(s.topicFilters, s.topicHierarchy, s.topicMaxSeries));
    s.builder.http(http);
    if (!http.authenticated() && !http.loopbackOnly()) {
      s.warnings.add(http.source() + ": http_listener: " + http.bindAddress() + " is not loopback and neither"
          + " http_auth_token_file nor http_password_file is set: /metrics and the status page (every device's"
          + " topic levels, ids and state) are open to that network");
    }
  }

  private static void httpListener(ParseState s, Directive d) {
    Long port = s.number(d, d.args().get(0), 0, 65535);
    String address = d.args().size() > 1 ? d.args().get(1) : HttpConfig.LOOPBACK;
    if (address.startsWith("/")) {
      s.error(d, quote(address) + " is a Unix socket path; the HTTP endpoint needs an IP address or host name");
    } else if (address.contains("/") || address.contains("://")) {
      s.error(d, quote(address) + " is not an IP address or host name (no scheme or path)");
    } else if (port != null) {
      s.builder.http(new HttpConfig(port.intValue(), address, d.where()));
    }
  }

  /** A key's value written elsewhere than a broker configuration: where ({@code file:line}) and the value. */
  public record Line(String origin, String value) {}

  /**
   * Reads {@code http_listener PORT [ADDRESS]} and its credential keys ({@code http_auth_token_file},
   * {@code http_password_file}) given elsewhere than a broker configuration (the archiver's file under
   * {@code flux archive}), with the same checks and messages; any of them may be null.
   *
   * @return the endpoint with its credentials; {@link HttpConfig#NONE} when there is no {@code http_listener}
   * @throws ConfigException with every problem, e.g. a credential key without an {@code http_listener}
   */
  public static HttpConfig endpoint(Line listener, Line tokenFile, Line passwordFile) throws ConfigException {
    Map<String, Line> lines = new LinkedHashMap<>();
    lines.put("http_listener", listener);
    lines.put("http_auth_token_file", tokenFile);
    lines.put("http_password_file", passwordFile);
    lines.values().removeIf(Objects::isNull);
    if (lines.isEmpty()) {
      return HttpConfig.NONE;
    }
    ParseState s = null;
    for (Map.Entry<String, Line> e : lines.entrySet()) {
      Directive d = directive(e.getKey(), e.getValue());
      s = s != null ? s : new ParseState(d.file());
      s.last.put(d.key(), d);
      Key key = ConfigParser.KEYS.get(d.key());
      if (s.arityOk(d, key)) {
        key.handler().accept(s, d);
      }
    }
    if (s.errors.isEmpty()) {
      finish(s); // attaches the credentials; reports a credential key without http_listener
    }
    if (!s.errors.isEmpty()) {
      throw new ConfigException(s.errors);
    }
    return s.builder.build().http();
  }

  private static Directive directive(String key, Line line) {
    String origin = line.origin();
    int colon = origin.lastIndexOf(':');
    boolean numbered = colon > 0 && ConfigParser.INTEGER.matcher(origin.substring(colon + 1)).matches();
    String value = line.value().strip();
    return new Directive(numbered ? origin.substring(0, colon) : origin,
        numbered ? Integer.parseInt(origin.substring(colon + 1)) : 0, key,
        value.isEmpty() ? List.of() : List.of(value.split("\\s+")), value);
  }

  /** The HTTP endpoint must not take a port an MQTT listener binds on the same address. */
  static void checkClash(ParseState s, List<ListenerConfig> listeners) {
    Directive d = s.last.get("http_listener");
    if (d == null || !ConfigParser.INTEGER.matcher(d.args().get(0)).matches() || d.args().size() > 2) {
      return; // absent, or already reported as malformed
    }
    int port = Integer.parseInt(d.args().get(0));
    String address = d.args().size() > 1 ? d.args().get(1) : HttpConfig.LOOPBACK;
    for (ListenerConfig mqtt : listeners) {
      boolean sameAddress = mqtt.bindAddress().equals(address)
          || mqtt.bindAddress().equals(ConfigParser.ALL_INTERFACES) || address.equals(ConfigParser.ALL_INTERFACES);
      if (port != 0 && mqtt.port() == port && sameAddress) {
        s.report(d.where(), d.key(), "port " + port + " on " + address + " is already an MQTT listener ("
            + mqtt.source() + "); accepted: a port no MQTT listener uses on that address, e.g. 9883");
        return;
      }
    }
  }
}
