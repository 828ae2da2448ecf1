package io.openegiz.flux.archiver.sink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * InfluxDB 2.x, and 3.x through its v2-compatible endpoint: {@code POST /api/v2/write?org=&bucket=&precision=ms}
 * with {@code Authorization: Token …} and a gzip body. The archiver does not create buckets nor tasks (a write
 * token usually may not): {@link #prepare} checks the bucket and says what to create (docs/archive.md).
 */
public final class InfluxV2Sink implements LineSink {
  private static final Logger LOG = LoggerFactory.getLogger(InfluxV2Sink.class);
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final LineHttp http;
  private final String org;
  private final String bucket;
  private final Retention retention;

  /**
   * @param base      e.g. {@code http://127.0.0.1:8086}
   * @param org       organization name
   * @param bucket    bucket name
   * @param token     API token with write access to the bucket (and read access to check it)
   * @param timeout   of one request
   * @param retention what the bucket and the downsampling should keep, for the advice; or {@code null}
   */
  public InfluxV2Sink(URI base, String org, String bucket, String token, Duration timeout, Retention retention) {
    this.http = new LineHttp(base, "Token " + token, timeout);
    this.org = org;
    this.bucket = bucket;
    this.retention = retention;
  }

  /** Checks that the bucket exists ({@code GET /api/v2/buckets?name=&org=}); the commands to run when not. */
  @Override
  public List<String> prepare() {
    try {
      HttpResponse<String> response = http.send(http.request("/api/v2/buckets?name=" + LineHttp.encode(bucket)
          + "&org=" + LineHttp.encode(org)).GET().build());
      if (response.statusCode() == 200) {
        JsonNode found = JSON.readTree(response.body()).path("buckets");
        if (!found.isEmpty()) {
          checkRetention(found.path(0));
          LOG.info("InfluxDB {}: bucket {} of {} is ready", http.base(), bucket, org);
          return List.of();
        }
      }
      return advise(response.statusCode() == 200 || response.statusCode() == 404
          ? "bucket " + bucket
              + " not found in org " + org
          : response.statusCode() + " " + response.body().strip());
    } catch (IOException | JacksonException e) {
      return advise("not reachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return advise("interrupted");
    }
  }

  /** The {@code influx} CLI commands that make what the archiver needs. */
  List<String> commands() {
    Retention r = retention == null ? Retention.defaults() : retention;
    String o = shell(org);
    return List.of(
        "influx bucket create --org " + o + " --name " + shell(bucket) + " --retention " + hours(r.raw()),
        "influx bucket create --org " + o + " --name " + shell(bucket + "_aggregated") + " --retention "
            + hours(r.aggregated()),
        "influx task create --org " + o + " --file flux-aggregate.flux   # the task in docs/archive.md");
  }

  /** A word for a POSIX shell: as is when plain, else in single quotes. */
  private static String shell(String word) {
    return word.matches("[A-Za-z0-9_.:/-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  private List<String> advise(String why) {
    List<String> commands = commands();
    LOG.warn("InfluxDB {}: cannot use bucket {} ({}); writes are retried until it exists. To create it:\n  {}",
        http.base(), bucket, why, String.join("\n  ", commands));
    return commands;
  }

  private void checkRetention(JsonNode found) {
    long seconds = found.path("retentionRules").path(0).path("everySeconds").asLong(0);
    if (retention != null && seconds != retention.raw().toSeconds()) {
      LOG.warn("InfluxDB {}: bucket {} keeps data {}; retention_raw is {}: influx bucket update --id {} "
          + "--retention {}", http.base(), bucket, seconds == 0 ? "forever" : seconds + " s", retention.raw(),
          found.path("id").asString(), hours(retention.raw()));
    }
  }

  private static String hours(Duration d) {
    return d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() + "h";
  }

  @Override
  public WriteResult write(List<String> lines) {
    // 404: no such bucket or org; the advice is logged again and the write retried until someone creates it.
    return http.write("/api/v2/write?org=" + LineHttp.encode(org) + "&bucket=" + LineHttp.encode(bucket)
        + "&precision=ms", lines, this::prepare);
  }
}
