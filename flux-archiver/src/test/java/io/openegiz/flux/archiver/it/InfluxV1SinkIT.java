package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.archiver.sink.InfluxV1Sink;
import io.openegiz.flux.archiver.sink.Retention;
import io.openegiz.flux.archiver.sink.WriteResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink against a real influxd with authentication: what an archiver without admin rights can and cannot do. */
class InfluxV1SinkIT {
  @TempDir
  Path tmp;

  @Test
  void withoutAdminRightsItNamesWhatToCreateAndStillWrites() throws Exception {
    Files.createDirectories(tmp.resolve("influx"));
    try (InfluxD influx = new InfluxD(tmp.resolve("influx"), true)) {
      for (String statement : List.of("CREATE USER admin WITH PASSWORD 'adm1n' WITH ALL PRIVILEGES",
          "CREATE DATABASE plant", "CREATE USER archiver WITH PASSWORD 'arch1ver'",
          "GRANT WRITE ON plant TO archiver")) {
        assertThat(influx.query("", statement).toString()).doesNotContain("error");
        influx.login("admin", "adm1n");
      }

      InfluxV1Sink sink = new InfluxV1Sink(influx.url(), "plant", null, "archiver", "arch1ver",
          Duration.ofSeconds(10), Retention.defaults());
      List<String> failed = sink.prepare();

      assertThat(failed).hasSize(6);
      assertThat(failed.getFirst()).isEqualTo("CREATE DATABASE \"plant\"");
      assertThat(failed).contains("CREATE RETENTION POLICY \"raw\" ON \"plant\" DURATION 2160h REPLICATION 1 DEFAULT");
      assertThat(sink.write(List.of("m,device_id=d f=1.5 1765000000000"))).isInstanceOf(WriteResult.Written.class);
      assertThat(influx.rows("plant", "SELECT f FROM m")).hasSize(1);

      InfluxV1Sink wrongPassword = new InfluxV1Sink(influx.url(), "plant", null, "archiver", "guess",
          Duration.ofSeconds(10), null);
      // 401: kept and retried, never dropped.
      assertThat(wrongPassword.write(List.of("m f=2.0 1765000000001"))).isInstanceOf(WriteResult.Retry.class);
    }
  }
}
