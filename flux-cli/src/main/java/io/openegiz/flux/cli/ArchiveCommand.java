package io.openegiz.flux.cli;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverCollectors;
import io.openegiz.flux.archiver.ArchiverConfig;
import io.openegiz.flux.broker.config.HttpConfig;
import io.openegiz.flux.broker.config.HttpKeys;
import io.openegiz.flux.broker.http.Health;
import io.openegiz.flux.broker.http.HealthHandler;
import io.openegiz.flux.broker.http.HttpListener;
import io.openegiz.flux.broker.http.MetricsHandler;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.Map;
import io.openegiz.flux.archiver.ConfigException;
import io.openegiz.flux.archiver.Progress;
import io.openegiz.flux.archiver.Setting;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/**
 * {@code flux archive}: MQTT telemetry into QuestDB (embedded by default) or InfluxDB, each message acknowledged
 * after the database has it.
 */
@Command(name = "archive", mixinStandardHelpOptions = true,
    description = {"Archives OpenEgiz telemetry and status from an MQTT broker into a time-series",
        "database until Ctrl-C. The database is one of:",
        "  --questdb URL                               a QuestDB server",
        "  --influx-url URL --db NAME                  InfluxDB 1.x",
        "  --influx-url URL --org O --bucket B --token T   InfluxDB 2.x/3.x",
        "  none: an embedded QuestDB under --data DIR, its console and SQL on",
        "        http://127.0.0.1:9000 (--questdb-port).",
        "Persistent session, QoS 1, PUBACK only after the points are written;",
        "invalid messages and refused points go to the dead-letter directory.",
        "Options override the keys of -c FILE. See docs/archive.md."})
final class ArchiveCommand implements Callable<Integer> {
  @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "Config file of key value lines.")
  Path configFile;
  @Option(names = "--broker", paramLabel = "URL", description = "tcp://host:port or ssl://host:port "
      + "(default: tcp://127.0.0.1:1883).")
  String broker;
  @Option(names = "--client-id", description = "Client id of the persistent session (default: flux-archiver).")
  String clientId;
  @Option(names = "--topic", description = "Topic filter, repeatable (default: openegiz/#).")
  List<String> topics;
  @Option(names = "--username", description = "MQTT username.")
  String username;
  @Option(names = "--password", description = "MQTT password.")
  String password;
  @Option(names = "--cafile", description = "PEM CA certificates that sign the broker's certificate.")
  String cafile;
  @Option(names = "--cert", description = "PEM client certificate.")
  String cert;
  @Option(names = "--key", description = "PEM private key of --cert (PKCS#8, PKCS#1 or SEC1, unencrypted).")
  String key;
  @Option(names = "--questdb", paramLabel = "URL", description = "A QuestDB server, e.g. http://127.0.0.1:9000.")
  String questdb;
  @Option(names = "--data", paramLabel = "DIR", description = "Data directory: the embedded QuestDB (DIR/questdb) "
      + "and the dead letters (DIR/dead-letters) (default: ./flux-data).")
  String data;
  @Option(names = "--questdb-port", paramLabel = "PORT", description = "HTTP port of the embedded QuestDB on "
      + "127.0.0.1 (default: 9000; 0: any free port).")
  String questdbPort;
  @Option(names = "--influx-url", paramLabel = "URL", description = "InfluxDB, e.g. http://127.0.0.1:8086; with "
      + "--db (1.x) or --org, --bucket and --token (2.x/3.x).")
  String influxUrl;
  @Option(names = "--db", paramLabel = "NAME", description = "InfluxDB database; created if missing.")
  String db;
  @Option(names = "--rp", paramLabel = "NAME", description = "Retention policy (default: the database's).")
  String rp;
  @Option(names = "--influx-user", description = "InfluxDB user.")
  String influxUser;
  @Option(names = "--influx-password", description = "InfluxDB password.")
  String influxPassword;
  @Option(names = "--org", description = "InfluxDB 2.x/3.x organization.")
  String org;
  @Option(names = "--bucket", description = "InfluxDB 2.x/3.x bucket; must exist.")
  String bucket;
  @Option(names = "--token", description = "InfluxDB 2.x/3.x API token.")
  String token;
  @Option(names = "--dead-letter", paramLabel = "DIR", description = "Directory of the dead-letter files "
      + "(default: DATA/dead-letters).")
  String deadLetter;
  @Option(names = "--progress", negatable = true, description = "A progress line each second on stderr "
      + "(default: when stderr is a terminal).")
  Boolean progress;

  @Override
  public Integer call() throws InterruptedException {
    ArchiverConfig config;
    HttpConfig http;
    try {
      List<Setting> settings = settings();
      http = httpListener(settings); // the endpoint is the CLI's, not the archiver's: taken out first
      String warning = openEndpointWarning(http);
      if (warning != null) {
        System.err.println("flux archive: warning: " + warning);
      }
      config = ArchiverConfig.parse(settings);
    } catch (io.openegiz.flux.broker.config.ConfigException e) {
      System.err.println(String.join("\n", e.errors()));
      return 2;
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      return 2;
    } catch (IOException e) {
      System.err.println("flux archive: cannot read " + configFile + ": " + e.getMessage());
      return 2;
    }
    CountDownLatch stop = new CountDownLatch(1);
    for (String name : new String[] {"INT", "TERM"}) {
      Signal.handle(new Signal(name), s -> stop.countDown());
    }
    try (Archiver archiver = Archiver.start(config); HttpListener endpoint = endpoint(http, archiver, config)) {
      System.err.println("flux archive: " + config.broker() + " " + config.topics() + " -> "
          + config.database().describe() + "; dead letters in " + config.deadLetterDir());
      archiver.embeddedQuestDb().ifPresent(url -> System.err.println("flux archive: QuestDB console at " + url
          + "/ (SQL over HTTP: " + url + "/exec?query=SELECT%20count()%20FROM%20electrical)"));
      boolean show = progress != null ? progress : System.console() != null;
      Progress line = new Progress();
      while (!stop.await(show ? 1 : 10, TimeUnit.SECONDS)) {
        line.print(archiver.metrics(), System.err);
      }
      System.err.println("flux archive: stopping");
    } catch (IllegalArgumentException | IllegalStateException e) {
      System.err.println("flux archive: " + e.getMessage());
      return 1;
    }
    return 0;
  }

  /** The keys of the CLI's endpoint, not the archiver's: the broker's, with the broker's checks and meaning. */
  private static final List<String> HTTP_KEYS = List.of("http_listener", "http_auth_token_file", "http_password_file");

  /**
   * Removes the {@code http_listener}, {@code http_auth_token_file} and {@code http_password_file} lines from
   * {@code settings} and reads the last of each as the broker does; null when there is no endpoint.
   */
  static HttpConfig httpListener(List<Setting> settings) throws io.openegiz.flux.broker.config.ConfigException {
    Map<String, HttpKeys.Line> last = new HashMap<>();
    for (Setting s : settings) {
      if (HTTP_KEYS.contains(s.key())) {
        last.put(s.key(), new HttpKeys.Line(s.origin(), s.value()));
      }
    }
    settings.removeIf(s -> HTTP_KEYS.contains(s.key()));
    HttpConfig http = HttpKeys.endpoint(last.get("http_listener"), last.get("http_auth_token_file"),
        last.get("http_password_file"));
    return http.enabled() ? http : null;
  }

  /**
   * What the broker warns of an endpoint off loopback without credentials, for the archiver's (which has no
   * status page: only /metrics is open); null when there is nothing to warn of.
   */
  static String openEndpointWarning(HttpConfig http) {
    return http == null || http.authenticated() || http.loopbackOnly()
        ? null
        : http.source() + ": http_listener: " + http.bindAddress() + " is not loopback and neither"
            + " http_auth_token_file nor http_password_file is set: /metrics is open to that network";
  }

  /**
   * The archiver's own {@code /metrics} ({@code flux_archiver_*} and the JVM's) and {@code /health} (ready while
   * its MQTT session is connected); null without {@code http_listener}.
   */
  static HttpListener endpoint(HttpConfig http, Archiver archiver, ArchiverConfig config) {
    if (http == null) {
      return null;
    }
    PrometheusRegistry registry = new PrometheusRegistry();
    ArchiverCollectors.register(registry, archiver, config);
    JvmMetrics.builder().register(registry);
    HttpListener endpoint = new HttpListener(http);
    endpoint.route(MetricsHandler.PATH, new MetricsHandler(registry));
    endpoint.route(HealthHandler.PATH, new HealthHandler(() -> new Health(Map.of("mqtt",
        archiver.connected() ? Health.OK : "disconnected"))));
    return endpoint.start();
  }

  /** The file's settings first, then the options, so that an option overrides its key. */
  List<Setting> settings() throws IOException {
    List<Setting> settings = new ArrayList<>();
    if (configFile != null) {
      settings.addAll(ArchiverConfig.read(configFile));
      if (topics != null) {
        settings.removeIf(s -> s.key().equals("topic"));
      }
    }
    add(settings, "--broker", "broker", broker);
    add(settings, "--client-id", "client_id", clientId);
    if (topics != null) {
      topics.forEach(t -> add(settings, "--topic", "topic", t));
    }
    add(settings, "--username", "username", username);
    add(settings, "--password", "password", password);
    add(settings, "--cafile", "cafile", cafile);
    add(settings, "--cert", "certfile", cert);
    add(settings, "--key", "keyfile", key);
    add(settings, "--questdb", "questdb_url", questdb);
    add(settings, "--data", "data_dir", data);
    add(settings, "--questdb-port", "questdb_port", questdbPort);
    add(settings, "--influx-url", "influx_url", influxUrl);
    add(settings, "--db", "db", db);
    add(settings, "--rp", "rp", rp);
    add(settings, "--influx-user", "influx_user", influxUser);
    add(settings, "--influx-password", "influx_password", influxPassword);
    add(settings, "--org", "org", org);
    add(settings, "--bucket", "bucket", bucket);
    add(settings, "--token", "token", token);
    add(settings, "--dead-letter", "dead_letter", deadLetter);
    return settings;
  }

  private static void add(List<Setting> settings, String option, String key, String value) {
    if (value != null) {
      settings.add(new Setting(option, key, value));
    }
  }
}
