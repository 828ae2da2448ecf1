package io.openegiz.flux.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code flux bench fleet --rates} end to end: a tiny ladder (20 sensors, 1 and 2 Hz) against a Flux
 * process and a Mosquitto process, both on TLS 1.3 with passwords and the fleet ACL; the table, JSON
 * and HTML hold both brokers, every step, and real memory and CPU figures read from /proc.
 */
class BenchLadderIT {

  @Test
  void ladderRunsEveryRateAgainstBothBrokersOverTlsWithPasswordsAndAcl(@TempDir Path out) throws Exception {
    Path log = out.resolve("bench.log");
    try (FluxProcess bench = FluxProcess.start(log, "bench", "fleet", "--compare", "--connections", "100",
        "--rates", "1,5", "--warmup", "2", "--duration", "2", "--tls", "--acl", "--max-publish-rate", "100",
        "--out", out.toString())) {
      assertThat(bench.exitCode(Duration.ofMinutes(2))).as(bench.output()).isZero();
      String output = bench.output();
      assertThat(output).contains("| per-sensor rate | offered msg/s in | flux p99 |", "| mosquitto p99 |",
          "| 1 Hz | 100 |", "| 5 Hz | 500 |", "| highest clean rate |", "flux: highest clean rate",
          "mosquitto: highest clean rate", "all 100 sensors connected");

      JsonNode json = JsonMapper.builder().build().readTree(Files.readString(out.resolve("ladder.json")));
      assertThat(json.get("shape").asString()).contains("TLS 1.3", "passwords + ACL", "max_publish_rate 100");
      assertThat(json.get("brokers")).hasSize(2);
      for (JsonNode broker : json.get("brokers")) {
        assertThat(broker.get("steps")).as(broker.get("broker").asString()).hasSize(2);
        for (JsonNode step : broker.get("steps")) {
          JsonNode r = step.get("resources");
          String what = broker.get("broker").asString() + " at " + step.get("hz").asDouble() + " Hz: " + step;
          assertThat(r.get("idleRssKb").asLong()).as(what).isPositive();
          assertThat(r.get("meanRssKb").asLong()).as(what).isPositive();
          assertThat(r.get("peakRssKb").asLong()).as(what).isGreaterThanOrEqualTo(r.get("meanRssKb").asLong());
          // CPU time counts in clock ticks (10 ms): Mosquitto can spend less than one at 100 msg/s
          assertThat(r.get("brokerCpuNanos").asLong()).as(what).isGreaterThanOrEqualTo(0);
          if (step.get("hz").asDouble() == 5) {
            assertThat(r.get("brokerCpuNanos").asLong()).as(what).isPositive();
            assertThat(r.get("brokerMicrosPerMessage").asDouble()).as(what).isPositive();
          }
          assertThat(r.get("generatorCpuNanos").asLong()).as(what).isPositive();
          assertThat(r.get("messagesIn").asLong()).as(what).isPositive();
          assertThat(step.get("report").get("totals").get("lost").asLong()).as(what).isZero();
          assertThat(step.get("report").get("totals").get("delivered").asLong()).as(what)
              .isEqualTo(2 * step.get("report").get("totals").get("sent").asLong());
        }
      }
      assertThat(Files.readString(out.resolve("ladder.html"))).contains("<svg", "p99 latency by offered rate");

      // each step ran a broker of its own, with the production shape's settings
      String flux = Files.readString(out.resolve("ladder-flux-2").resolve("flux.conf"));
      String mosquitto = Files.readString(out.resolve("ladder-mosquitto-1").resolve("mosquitto.conf"));
      for (String conf : new String[] {flux, mosquitto}) {
        assertThat(conf).contains("allow_anonymous false", "tls_version tlsv1.3", "password_file ", "acl_file ")
            .doesNotContain("allow_anonymous true");
      }
      assertThat(flux).contains("max_publish_rate 100");
      assertThat(mosquitto).doesNotContain("max_publish_rate");
      assertThat(Files.readString(out.resolve("acl.conf"))).contains("user sensor-99\ntopic write openegiz/",
          "user archiver\ntopic read openegiz/#");
      assertThat(Files.readString(out.resolve("ladder-mosquitto-1").resolve("mosquitto.log")))
          .contains("u'sensor-0'");
    }
  }

  @Test
  void withClientCertificatesEachSensorIsItsOwnCertificate(@TempDir Path out) throws Exception {
    try (FluxProcess bench = FluxProcess.start(out.resolve("bench.log"), "bench", "fleet", "--compare",
        "--connections", "10", "--rates", "2", "--warmup", "1", "--duration", "1", "--client-certs", "--acl",
        "--out", out.toString())) {
      assertThat(bench.exitCode(Duration.ofMinutes(2))).as(bench.output()).isZero();
      JsonNode json = JsonMapper.builder().build().readTree(Files.readString(out.resolve("ladder.json")));
      assertThat(json.get("shape").asString()).contains("TLS 1.3 with client certificates, ACL");
      for (JsonNode broker : json.get("brokers")) {
        JsonNode totals = broker.get("steps").get(0).get("report").get("totals");
        assertThat(totals.get("lost").asLong()).as(broker.toString()).isZero();
        assertThat(totals.get("delivered").asLong()).as(broker.toString()).isPositive();
      }
      for (String conf : new String[] {"ladder-flux-1/flux.conf", "ladder-mosquitto-1/mosquitto.conf"}) {
        assertThat(Files.readString(out.resolve(conf))).contains("require_certificate true",
            "use_identity_as_username true", "acl_file ", "allow_anonymous false").doesNotContain("password_file");
      }
      // the username Mosquitto logs is the certificate's CN: sensors sent no username of their own
      assertThat(Files.readString(out.resolve("ladder-mosquitto-1").resolve("mosquitto.log")))
          .contains("u'sensor-9'", "u'egizcore'", "u'archiver'");
    }
  }
}
