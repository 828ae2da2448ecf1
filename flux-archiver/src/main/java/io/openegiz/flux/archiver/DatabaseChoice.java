package io.openegiz.flux.archiver;

import java.net.URI;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Which database the settings name, and the errors when they name none properly or more than one: exactly one of
 * {@code questdb_url}, {@code influx_url} with {@code db} (InfluxDB 1.x), {@code influx_url} with {@code org},
 * {@code bucket} and {@code token} (InfluxDB 2.x/3.x); none of them means the embedded QuestDB.
 */
final class DatabaseChoice {
  private static final String ACCEPTED = "accepted: one database: questdb_url (--questdb), or influx_url with db "
      + "(InfluxDB 1.x), or influx_url with org, bucket and token (InfluxDB 2.x/3.x), or none for the embedded QuestDB";
  private static final List<String> V1 = List.of("db", "rp", "influx_user", "influx_password");
  private static final List<String> V2 = List.of("org", "bucket", "token");

  private final ArchiverConfig.Parser parser;

  DatabaseChoice(ArchiverConfig.Parser parser) {
    this.parser = parser;
  }

  /** The database, or {@code null} after reporting why there is none. */
  Database database(Path dataDir) {
    List<String> v1 = V1.stream().filter(parser::has).toList();
    List<String> v2 = V2.stream().filter(parser::has).toList();
    int before = parser.errorCount();
    if (parser.has("questdb_url")) {
      for (String key : concat(parser.has("influx_url") ? List.of("influx_url") : List.of(), v1, v2)) {
        mixed(key, "questdb_url");
      }
    } else if (!parser.has("influx_url")) {
      for (String key : concat(v1, v2)) {
        parser.error(parser.origin(key) + ": " + key + ": needs influx_url; " + ACCEPTED);
      }
    } else if (!v1.isEmpty() && !v2.isEmpty()) {
      mixed(v2.getFirst(), v1.getFirst());
    }
    if (parser.has("questdb_port") && (parser.has("questdb_url") || parser.has("influx_url"))) {
      mixed("questdb_port", parser.has("questdb_url") ? "questdb_url" : "influx_url");
    }
    if (parser.errorCount() != before) {
      return null;
    }
    if (parser.has("questdb_url")) {
      return new Database.QuestDb(parser.get("questdb_url", null, ArchiverConfig.Parser::http));
    }
    if (parser.has("influx_url")) {
      return influx(v1, v2);
    }
    return new Database.Embedded(dataDir, parser.get("questdb_port", 9000,
        v -> ArchiverConfig.Parser.number(v, 0, 65_535)));
  }

  private Database influx(List<String> v1, List<String> v2) {
    URI url = parser.get("influx_url", null, ArchiverConfig.Parser::http);
    if (!v2.isEmpty()) {
      for (String key : V2) {
        if (!parser.has(key)) {
          parser.error(key + ": is required with " + String.join(" and ", v2) + " (InfluxDB 2.x/3.x); accepted: "
              + "--org, --bucket and --token together");
        }
      }
      return new Database.InfluxV2(url, parser.text("org", null), parser.text("bucket", null),
          parser.text("token", null));
    }
    if (v1.isEmpty() || !parser.has("db")) {
      parser.error(parser.origin("influx_url") + ": influx_url: needs db (InfluxDB 1.x, --db) or org, bucket and "
          + "token (InfluxDB 2.x/3.x, --org --bucket --token)");
      return null;
    }
    return new Database.InfluxV1(url, parser.text("db", null), parser.text("rp", null),
        parser.text("influx_user", null), parser.text("influx_password", null));
  }

  private void mixed(String key, String other) {
    parser.error(parser.origin(key) + ": " + key + ": given with " + other + " (" + parser.origin(other) + "); "
        + ACCEPTED);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return Arrays.stream(lists).flatMap(List::stream).toList();
  }
}
