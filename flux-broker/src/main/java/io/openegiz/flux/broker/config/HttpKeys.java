package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigParser.quote;

import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.util.List;
import java.util.Map;

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

  /** Shorter tokens can be guessed; 16 characters is what {@code openssl rand -hex 8} gives. */
  static final int MIN_TOKEN = 16;

  private static void tokenFile(ParseState s, Directive d) {
    java.nio.file.Path file = s.readableFile(d);
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
    } catch (java.io.IOException e) {
      s.error(d, quote(d.rest()) + " cannot be read: " + e.getMessage());
    }
  }

  /** The token of a token file: its first line, without surrounding blanks. */
  public static String readToken(java.nio.file.Path file) throws java.io.IOException {
    List<String> lines = java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8);
    return lines.isEmpty() ? "" : lines.get(0).strip();
  }

  /** Attaches the credentials to the endpoint; warns when a non-loopback endpoint has none. */
  static void finish(ParseState s) {
    HttpConfig http = s.builder.build().http();
    if (!http.enabled()) {
      for (String key : List.of("http_auth_token_file", "http_password_file")) {
        Directive d = s.last.get(key);
        if (d != null) {
          s.report(d.where(), key, "there is no http_listener to protect; accepted: after an http_listener line");
        }
      }
      return;
    }
    http = http.withAuth(s.httpTokenFile, s.httpPasswordFile);
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
