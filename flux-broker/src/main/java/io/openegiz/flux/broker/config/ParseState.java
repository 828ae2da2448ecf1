package io.openegiz.flux.broker.config;

import static io.openegiz.flux.broker.config.ConfigParser.ALL_INTERFACES;
import static io.openegiz.flux.broker.config.ConfigParser.DURATION;
import static io.openegiz.flux.broker.config.ConfigParser.INTEGER;
import static io.openegiz.flux.broker.config.ConfigParser.KEYS;
import static io.openegiz.flux.broker.config.ConfigParser.quote;

import io.openegiz.flux.broker.config.ConfigParser.Declared;
import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/** What has been read so far of one configuration file; mutable, and confined to one parse call. */
final class ParseState {
  final String fileName;
  final List<String> errors = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();
  final BrokerConfig.Builder builder = BrokerConfig.builder();
  final SecurityKeys.Acc security = new SecurityKeys.Acc();
  final ConnectionKeys.Acc connections = new ConnectionKeys.Acc();
  final List<Declared> listeners = new ArrayList<>();
  /** Last line of each supported key: single-valued keys follow Mosquitto, the last one wins. */
  final Map<String, Directive> last = new HashMap<>();
  Integer defaultPort;
  String bindAddress;
  Directive defaultListener;
  /** Per-listener keys read before any listener line belong to the default listener, as in Mosquitto. */
  final ListenerKeys.Settings defaultSettings = new ListenerKeys.Settings();
  Integer messageSizeLimit;
  Integer maxPacketSize;
  boolean queuedMessagesUnlimited;
  boolean queuedBytesUnlimited;
  boolean perListenerSettings;
  Path httpTokenFile;
  Path httpPasswordFile;
  final List<TopicMetrics.Filter> topicFilters = new ArrayList<>();
  boolean topicHierarchy = true;
  int topicMaxSeries = TopicMetrics.DEFAULT_MAX_SERIES;

  ParseState(String fileName) {
    this.fileName = fileName;
  }

  /** Settings that per-listener keys on this line apply to: the last listener declared so far. */
  ListenerKeys.Settings currentListener() {
    return listeners.isEmpty() ? defaultSettings : listeners.get(listeners.size() - 1).settings();
  }

  /** The file named by the rest of the line, or null (with the error reported) when it cannot be read. */
  Path readableFile(Directive d) {
    try {
      Path p = Path.of(d.rest());
      if (java.nio.file.Files.isReadable(p) && !java.nio.file.Files.isDirectory(p)) {
        return p;
      }
      error(d, quote(d.rest()) + (java.nio.file.Files.exists(p) ? " cannot be read" : ": no such file"));
    } catch (InvalidPathException e) {
      error(d, quote(d.rest()) + " is not a valid path");
    }
    return null;
  }

  void report(String where, String key, String what) {
    errors.add(where + ": " + key + ": " + what);
  }

  void error(Directive d, String what) {
    report(d.where(), d.key(), what + "; accepted: " + KEYS.get(d.key()).accepted());
  }

  boolean arityOk(Directive d, Key key) {
    int n = d.args().size();
    if (n < key.minArgs()) {
      error(d, "missing value");
      return false;
    }
    if (n > key.maxArgs()) {
      String extra = d.args().get(key.maxArgs());
      error(d, "unexpected extra argument " + quote(extra)
          + (extra.startsWith("#") ? " (a comment must be on a line of its own)" : ""));
      return false;
    }
    return true;
  }

  Long number(Directive d, String text, long min, long max) {
    if (!INTEGER.matcher(text).matches()) {
      error(d, quote(text) + " is not a number");
      return null;
    }
    try {
      long n = Long.parseLong(text);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException tooManyDigits) {
      // falls through to the range error: the digits are valid, the magnitude is not
    }
    error(d, text + " is out of range");
    return null;
  }

  Duration duration(Directive d, Map<String, Long> units) {
    String text = d.args().get(0);
    Matcher m = DURATION.matcher(text);
    if (!m.matches()) {
      error(d, quote(text) + " is not a duration");
      return null;
    }
    Long unit = units.get(m.group(2));
    if (unit == null) {
      error(d, quote(text) + (m.group(2).isEmpty() ? " has no unit" : " has an unknown unit"));
      return null;
    }
    try {
      long seconds = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
      if (seconds > 0) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException | ArithmeticException tooLarge) {
      // reported below like zero: the value is out of range
    }
    error(d, quote(text) + " is out of range");
    return null;
  }

  boolean isMainFile(Path file) {
    try {
      return Path.of(fileName).toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize());
    } catch (InvalidPathException notAPath) {
      return false; // parse(String, List) may be given a name that is no path
    }
  }

  /** The default listener (port/bind_address) first, as in Mosquitto, then the listener lines. */
  List<Declared> allListeners() {
    List<Declared> all = new ArrayList<>();
    if (defaultListener != null) {
      int port = defaultPort != null ? defaultPort : 1883;
      String address = bindAddress != null ? bindAddress : ALL_INTERFACES;
      all.add(new Declared(new ListenerConfig(port, address, defaultListener.where()), defaultListener.key(),
          defaultSettings));
    }
    all.addAll(listeners);
    return all;
  }
}
