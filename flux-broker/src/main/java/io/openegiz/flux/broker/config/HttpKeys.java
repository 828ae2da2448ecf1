package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigParser.quote;

import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.util.List;
import java.util.Map;

/** Flux's HTTP endpoint keys ({@code http_listener}); Mosquitto has no such endpoint. */
final class HttpKeys {
  private HttpKeys() {}

  static void register(Map<String, Key> k) {
    k.put("http_listener", new Key("http_listener PORT [ADDRESS], PORT an integer from 0 to 65535 (0 = any free"
        + " port), ADDRESS an IP address or host name (default: 127.0.0.1, this machine only)", 1, 2,
        HttpKeys::httpListener));
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
