package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The reports of one comparison run; the first broker is the baseline of every ratio. */
public record ComparisonResult(List<BenchReport> reports, String machine) {

  public BenchReport baseline() {
    return reports.get(0);
  }

  /** Delivered msg/s of {@code r} over the baseline's. */
  public double throughputRatio(BenchReport r) {
    return baseline().deliveredPerSecond() == 0 ? 0 : r.deliveredPerSecond() / baseline().deliveredPerSecond();
  }

  /** A side-by-side table of the figures, with ratios against the baseline. */
  public String table() {
    StringBuilder b = new StringBuilder();
    String fmt = "%-22s" + "%16s".repeat(reports.size()) + "%n";
    b.append(String.format(Locale.ROOT, fmt, header()));
    row(b, fmt, "delivered msg/s", r -> String.format(Locale.ROOT, "%.0f", r.deliveredPerSecond()));
    row(b, fmt, "sent msg/s", r -> String.format(Locale.ROOT, "%.0f", r.sentPerSecond()));
    row(b, fmt, "lost (QoS>0: must be 0)", r -> Long.toString(r.totals().lost()));
    row(b, fmt, "duplicates", r -> Long.toString(r.totals().duplicates()));
    row(b, fmt, "p50 latency", r -> LatencySummary.formatMillis(r.latency().p50()));
    row(b, fmt, "p99 latency", r -> LatencySummary.formatMillis(r.latency().p99()));
    row(b, fmt, "p99.9 latency", r -> LatencySummary.formatMillis(r.latency().p999()));
    row(b, fmt, "max latency", r -> LatencySummary.formatMillis(r.latency().max()));
    row(b, fmt, "connect p99", r -> LatencySummary.formatMillis(r.connect().p99()));
    row(b, fmt, "drained", r -> r.drained() ? "yes" : "NO");
    for (BenchReport r : reports.subList(1, reports.size())) {
      b.append(String.format(Locale.ROOT, "%s / %s: delivered msg/s x%.2f, p50 x%.2f, p99 x%.2f%n", r.label(),
          baseline().label(), throughputRatio(r), ratio(r.latency().p50(), baseline().latency().p50()),
          ratio(r.latency().p99(), baseline().latency().p99())));
    }
    return b.toString();
  }

  private Object[] header() {
    Object[] h = new Object[reports.size() + 1];
    h[0] = "";
    for (int i = 0; i < reports.size(); i++) {
      h[i + 1] = reports.get(i).label();
    }
    return h;
  }

  private void row(StringBuilder b, String fmt, String name, java.util.function.Function<BenchReport, String> cell) {
    Object[] cells = new Object[reports.size() + 1];
    cells[0] = name;
    for (int i = 0; i < reports.size(); i++) {
      cells[i + 1] = cell.apply(reports.get(i));
    }
    b.append(String.format(Locale.ROOT, fmt, cells));
  }

  static double ratio(long a, long b) {
    return b == 0 ? 0 : (double) a / b;
  }

  public void writeJson(Path file) throws IOException {
    ObjectNode o = Json.object().put("machine", machine).put("baseline", baseline().label());
    ObjectNode ratios = o.putObject("ratios");
    for (BenchReport r : reports.subList(1, reports.size())) {
      ObjectNode entry = ratios.putObject(r.label());
      Json.decimal(entry, "deliveredPerSecond", throughputRatio(r));
      Json.decimal(entry, "p50", ratio(r.latency().p50(), baseline().latency().p50()));
      Json.decimal(entry, "p99", ratio(r.latency().p99(), baseline().latency().p99()));
    }
    ArrayNode all = o.putArray("reports");
    reports.forEach(r -> all.add(Json.report(r)));
    Json.write(o, file);
  }

  public void writeHtml(Path file) throws IOException {
    Files.writeString(file, HtmlReport.render(this));
  }
}
