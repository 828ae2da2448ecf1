package io.openegiz.flux.fleet.bench;

import io.openegiz.flux.fleet.bench.ReconnectStormScenario.StormSample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The outcome of a reconnect storm against one broker. Reconnect and delivery times run from the
 * moment the restart was launched, so they include the broker's own start-up time.
 */
public record ReconnectStormReport(String label, StormConfig config, boolean initiallyReady,
    LatencySummary initialConnect, boolean allDropped, long droppedMillis, long listeningMillis, int reconnected,
    int redelivered, long attempts, LatencySummary reconnect, LatencySummary delivery, boolean settled,
    List<StormSample> samples) {

  /** True when every client reconnected and got its QoS 1 message again. */
  public boolean allBack() {
    return reconnected == config.clients() && redelivered == config.clients();
  }

  /** NFR-3: every client reconnected within 10 s of the restart. */
  public boolean meetsTarget() {
    return allBack() && reconnect.max() < StormConfig.TARGET.toNanos() / 1_000;
  }

  public String text() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%s: reconnect storm, %d clients, clean session false, QoS 1, MQTT %s%n",
        label, config.clients(), config.version().label()));
    b.append(String.format(Locale.ROOT, "  before the kill: %s; connect %s%n",
        initiallyReady ? "all connected and delivered" : "NOT all connected", initialConnect.describe()));
    b.append(String.format(Locale.ROOT, "  kill -9: all connections seen closed after %d ms%s%n", droppedMillis,
        allDropped ? "" : " (NOT all)"));
    b.append(String.format(Locale.ROOT, "  restart: listening %d ms after launch; %d connect attempts after it%n",
        listeningMillis, attempts));
    b.append(String.format(Locale.ROOT, "  reconnected %d/%d; all within %s of the restart%n    per client %s%n",
        reconnected, config.clients(), LatencySummary.formatMillis(reconnect.max()), reconnect.describe()));
    b.append(String.format(Locale.ROOT, "  message delivered again %d/%d; all within %s%n    per client %s%n",
        redelivered, config.clients(), LatencySummary.formatMillis(delivery.max()), delivery.describe()));
    b.append(String.format(Locale.ROOT, "  NFR-3 (all reconnected within 10 s of the restart): %s%n",
        meetsTarget() ? "met" : "NOT met"));
    return b.toString();
  }

  public ObjectNode json() {
    ObjectNode o = Json.object().put("broker", label);
    o.putObject("config").put("clients", config.clients()).put("mqtt", config.version().label())
        .put("connectConcurrency", config.connectConcurrency());
    o.put("initiallyReady", initiallyReady);
    o.set("initialConnectMicros", Json.latency(initialConnect));
    o.put("droppedMillis", droppedMillis).put("listeningMillis", listeningMillis).put("reconnected", reconnected)
        .put("redelivered", redelivered).put("attempts", attempts);
    o.set("reconnectMicros", Json.latency(reconnect));
    o.set("deliveryMicros", Json.latency(delivery));
    o.put("meetsNfr3", meetsTarget());
    ArrayNode a = o.putArray("samples");
    for (StormSample s : samples) {
      a.addObject().put("second", s.second()).put("phase", s.phase()).put("connectedNow", s.connectedNow())
          .put("connectedSinceEpoch", s.connectedInEpoch()).put("deliveredSinceEpoch", s.deliveredInEpoch());
    }
    return o;
  }

  /** A side-by-side table with ratios against the first report. */
  public static String table(List<ReconnectStormReport> reports) {
    StringBuilder b = new StringBuilder();
    String fmt = "%-36s" + "%14s".repeat(reports.size()) + "%n";
    row(b, fmt, "", reports, ReconnectStormReport::label);
    row(b, fmt, "restart -> listening", reports, r -> r.listeningMillis() + " ms");
    row(b, fmt, "restart -> client reconnected p50", reports, r -> ms(r.reconnect().p50()));
    row(b, fmt, "restart -> client reconnected p99", reports, r -> ms(r.reconnect().p99()));
    row(b, fmt, "restart -> all reconnected", reports, r -> ms(r.reconnect().max()));
    row(b, fmt, "restart -> all delivered again", reports, r -> ms(r.delivery().max()));
    row(b, fmt, "reconnected / delivered", reports, r -> r.reconnected() + "/" + r.redelivered());
    row(b, fmt, "NFR-3 (< 10 s)", reports, r -> r.meetsTarget() ? "met" : "NOT met");
    ReconnectStormReport base = reports.get(0);
    for (ReconnectStormReport r : reports.subList(1, reports.size())) {
      b.append(String.format(Locale.ROOT, "%s / %s: all reconnected x%.2f, all delivered x%.2f%n", r.label(),
          base.label(), ComparisonResult.ratio(r.reconnect().max(), base.reconnect().max()),
          ComparisonResult.ratio(r.delivery().max(), base.delivery().max())));
    }
    return b.toString();
  }

  private static String ms(long micros) {
    return LatencySummary.formatMillis(micros);
  }

  private static void row(StringBuilder b, String fmt, String name, List<ReconnectStormReport> reports,
      java.util.function.Function<ReconnectStormReport, String> cell) {
    List<Object> cells = new ArrayList<>(List.of(name));
    reports.forEach(r -> cells.add(cell.apply(r)));
    b.append(String.format(Locale.ROOT, fmt, cells.toArray()));
  }

  /** Writes the reports as one JSON document and one HTML page. */
  public static void write(List<ReconnectStormReport> reports, String machine, Path json, Path html)
      throws IOException {
    ObjectNode doc = Json.object().put("scenario", "reconnect-storm").put("machine", machine);
    ArrayNode all = doc.putArray("reports");
    reports.forEach(r -> all.add(r.json()));
    Json.write(doc, json);
    List<Chart.Series> now = new ArrayList<>();
    List<Chart.Series> delivered = new ArrayList<>();
    for (ReconnectStormReport r : reports) {
      double[] x = r.samples().stream().mapToDouble(StormSample::second).toArray();
      now.add(new Chart.Series(r.label(), x, r.samples().stream().mapToDouble(StormSample::connectedNow).toArray()));
      delivered.add(new Chart.Series(r.label() + " (since restart)", x,
          r.samples().stream().mapToDouble(s -> s.phase().equals("connect") ? 0 : s.deliveredInEpoch()).toArray()));
    }
    String intro = reports.get(0).text().lines().findFirst().orElse("") + " | " + machine;
    Files.writeString(html, HtmlReport.page("flux bench reconnect-storm", intro, table(reports),
        List.of(new Chart("Clients connected", "seconds since start", "clients", now),
            new Chart("Clients whose message was delivered again after the restart", "seconds since start", "clients",
                delivered))));
  }
}
