package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The outcome of tls-connect against one broker: per-client times of the sequential and burst phases. */
public record TlsConnectReport(String label, TlsConnectConfig config, PhaseSummary sequential, PhaseSummary burst,
    long burstMillis, long totalMillis, List<ConnectSample> samples) {

  /** NFR-6: a TLS connection (handshake + CONNACK) within 500 ms. */
  public static final long TARGET_MICROS = 500_000;

  /** Clients connected and failed in one phase, with handshake-only and handshake + CONNACK times. */
  public record PhaseSummary(long connected, long failed, LatencySummary handshake, LatencySummary connack) {
  }

  /** True when every client of both phases got its CONNACK. */
  public boolean allConnected() {
    return sequential.failed() == 0 && burst.failed() == 0 && sequential.connected() == config.sequential()
        && burst.connected() == config.clients();
  }

  /** True when the p99 of handshake + CONNACK stays under NFR-6's 500 ms in both phases. */
  public boolean meetsTarget() {
    return sequential.connack().p99() < TARGET_MICROS && burst.connack().p99() < TARGET_MICROS;
  }

  public String text() {
    return String.format(Locale.ROOT, "%s: TLS 1.3 connect, %s certificates, MQTT %s%n", label,
        config.clientCerts() ? "server and client" : "server-only", config.version().label())
        + phase("sequential", config.sequential() + " clients one at a time", sequential)
        + phase("burst", String.format(Locale.ROOT, "%d clients, %d at once, all in %d ms (%.0f connects/s)",
            config.clients(), config.concurrency(), burstMillis, config.clients() * 1000.0 / Math.max(1, burstMillis)),
            burst)
        + String.format(Locale.ROOT, "  NFR-6 (p99 handshake + CONNACK < 500 ms): %s%n",
            meetsTarget() ? "met" : "NOT met");
  }

  private static String phase(String name, String what, PhaseSummary p) {
    return String.format(Locale.ROOT, "  %s: %s; connected %d, failed %d%n    TLS handshake        %s%n"
        + "    handshake + CONNACK  %s%n", name, what, p.connected(), p.failed(), p.handshake().describe(),
        p.connack().describe());
  }

  /** A side-by-side table of several brokers, with ratios against the first. */
  public static String table(List<TlsConnectReport> reports) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-34s" + "%14s".repeat(reports.size()) + "%n";
    List<Object> header = new ArrayList<>(List.of(""));
    reports.forEach(r -> header.add(r.label()));
    b.append(String.format(Locale.ROOT, fmt, header.toArray()));
    row(b, fmt, reports, "sequential handshake+CONNACK p50", r -> r.sequential().connack().p50());
    row(b, fmt, reports, "sequential handshake+CONNACK p99", r -> r.sequential().connack().p99());
    row(b, fmt, reports, "burst handshake+CONNACK p50", r -> r.burst().connack().p50());
    row(b, fmt, reports, "burst handshake+CONNACK p90", r -> r.burst().connack().p90());
    row(b, fmt, reports, "burst handshake+CONNACK p99", r -> r.burst().connack().p99());
    row(b, fmt, reports, "burst handshake+CONNACK max", r -> r.burst().connack().max());
    List<Object> wall = new ArrayList<>(List.of("burst wall time"));
    reports.forEach(r -> wall.add(r.burstMillis() + " ms"));
    b.append(String.format(Locale.ROOT, fmt, wall.toArray()));
    List<Object> failed = new ArrayList<>(List.of("failed (must be 0)"));
    reports.forEach(r -> failed.add(Long.toString(r.sequential().failed() + r.burst().failed())));
    b.append(String.format(Locale.ROOT, fmt, failed.toArray()));
    TlsConnectReport base = reports.get(0);
    for (TlsConnectReport r : reports.subList(1, reports.size())) {
      b.append(String.format(Locale.ROOT, "%s / %s: sequential p50 x%.2f, burst p99 x%.2f, burst wall x%.2f%n",
          r.label(), base.label(),
          ComparisonResult.ratio(r.sequential().connack().p50(), base.sequential().connack().p50()),
          ComparisonResult.ratio(r.burst().connack().p99(), base.burst().connack().p99()),
          ComparisonResult.ratio(r.burstMillis(), base.burstMillis())));
    }
    return b.toString();
  }

  private static void row(StringBuilder b, String fmt, List<TlsConnectReport> reports, String name,
      java.util.function.ToLongFunction<TlsConnectReport> micros) {
    List<Object> cells = new ArrayList<>(List.of(name));
    reports.forEach(r -> cells.add(LatencySummary.formatMillis(micros.applyAsLong(r))));
    b.append(String.format(Locale.ROOT, fmt, cells.toArray()));
  }

  public ObjectNode json() {
    ObjectNode o = Json.object().put("broker", label);
    o.putObject("config").put("clients", config.clients()).put("concurrency", config.concurrency())
        .put("sequential", config.sequential()).put("clientCerts", config.clientCerts())
        .put("mqtt", config.version().label());
    o.set("sequential", phaseJson(sequential));
    o.set("burst", phaseJson(burst));
    o.put("burstMillis", burstMillis).put("meetsNfr6", meetsTarget());
    ArrayNode a = o.putArray("samples");
    for (ConnectSample s : samples) {
      a.addObject().put("second", s.second()).put("phase", s.phase()).put("connected", s.connected())
          .put("failed", s.failed()).put("p99Micros", s.p99Micros());
    }
    return o;
  }

  private static ObjectNode phaseJson(PhaseSummary p) {
    ObjectNode o = Json.object().put("connected", p.connected()).put("failed", p.failed());
    o.set("handshakeMicros", Json.latency(p.handshake()));
    o.set("connackMicros", Json.latency(p.connack()));
    return o;
  }

  /** Writes the reports as one JSON document and one HTML page. */
  public static void write(List<TlsConnectReport> reports, String machine, Path json, Path html) throws IOException {
    ObjectNode doc = Json.object().put("scenario", "tls-connect").put("machine", machine);
    ArrayNode all = doc.putArray("reports");
    reports.forEach(r -> all.add(r.json()));
    Json.write(doc, json);
    List<Chart.Series> connectedSeries = new ArrayList<>();
    List<Chart.Series> p99Series = new ArrayList<>();
    for (TlsConnectReport r : reports) {
      double[] x = r.samples().stream().mapToDouble(ConnectSample::second).toArray();
      connectedSeries
          .add(new Chart.Series(r.label(), x, r.samples().stream().mapToDouble(ConnectSample::connected).toArray()));
      p99Series
          .add(new Chart.Series(r.label(), x, r.samples().stream().mapToDouble(s -> s.p99Micros() / 1000.0).toArray()));
    }
    String intro = reports.get(0).text().lines().findFirst().orElse("") + " | " + machine;
    Files.writeString(html, HtmlReport.page("flux bench tls-connect", intro, table(reports),
        List.of(new Chart("Clients connected (cumulative)", "seconds", "clients", connectedSeries),
            new Chart("p99 handshake + CONNACK per second", "seconds", "ms", p99Series))));
  }
}
