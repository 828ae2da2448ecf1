package io.openegiz.flux.archiver;

import java.net.URI;
import java.nio.file.Path;

/** The database the archiver writes to: exactly one, chosen by the config keys (docs/archive.md). */
public sealed interface Database {

  /** What it is and where, for the start-up line. */
  String describe();

  /**
   * QuestDB started in this process (no database key given): its data in {@code dataDir/questdb}.
   *
   * @param dataDir the data directory ({@code data_dir}, {@code --data})
   * @param port    its HTTP port on 127.0.0.1 ({@code questdb_port}); 0 for any free one
   */
  record Embedded(Path dataDir, int port) implements Database {
    /** Where QuestDB keeps its files. */
    public Path root() {
      return dataDir.resolve("questdb");
    }

    @Override
    public String describe() {
      return "embedded QuestDB in " + root();
    }
  }

  /**
   * A QuestDB server ({@code questdb_url}).
   *
   * @param url its HTTP endpoint, e.g. {@code http://127.0.0.1:9000}
   */
  record QuestDb(URI url) implements Database {
    @Override
    public String describe() {
      return "QuestDB " + url;
    }
  }

  /**
   * InfluxDB 1.x ({@code influx_url} with {@code db}).
   *
   * @param url      e.g. {@code http://127.0.0.1:8086}
   * @param db       database, created if missing
   * @param rp       retention policy, or {@code null} for the database's default
   * @param user     user, or {@code null}
   * @param password password, or {@code null}
   */
  record InfluxV1(URI url, String db, String rp, String user, String password) implements Database {
    @Override
    public String describe() {
      return "InfluxDB " + url + " db " + db;
    }

    @Override
    public String toString() {
      return "InfluxV1[url=" + url + ", db=" + db + ", rp=" + rp + ", user=" + user + ", password="
          + (password == null ? null : "***") + "]";
    }
  }

  /**
   * InfluxDB 2.x or 3.x ({@code influx_url} with {@code org}, {@code bucket} and {@code token}).
   *
   * @param url    e.g. {@code http://127.0.0.1:8086}
   * @param org    organization
   * @param bucket bucket
   * @param token  API token
   */
  record InfluxV2(URI url, String org, String bucket, String token) implements Database {
    @Override
    public String describe() {
      return "InfluxDB " + url + " org " + org + " bucket " + bucket;
    }

    @Override
    public String toString() {
      return "InfluxV2[url=" + url + ", org=" + org + ", bucket=" + bucket + ", token=***]";
    }
  }
}
