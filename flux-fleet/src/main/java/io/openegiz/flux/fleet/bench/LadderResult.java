package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The ladder of every broker from one run: a markdown table with one row per rate and a column per
 * broker and figure, the highest clean rate of each, and the same as JSON and an HTML page.
 */
public record LadderResult(List<Rungs> brokers, String shape, String machine) {

  /** The steps of one broker, in the order of the rates. */
  public record Rungs(String broker, List<LadderStep> steps) {
    /** The highest offered msg/s in of a clean step, 0 when no step was clean. */
    public double highestCleanRate() {
      return steps.stream().filter(LadderStep::clean).mapToDouble(LadderStep::offeredIn).max().orElse(0);
    }
  }

  /** The table of the issue: rows = rates, per broker p99, p99.9, RSS and CPU per message; then the summary row. */
  public String table() {
    List<String> header = new ArrayList<>(List.of("per-sensor rate", "offered msg/s in"));
    for (Rungs b : brokers) {
      for (String column : List.of("p99", "p99.9", "RSS mean/peak MB", "CPU % / us/msg", "generator CPU %",
          "verdict")) {
        header.add(b.broker() + " " + column);
      }
    }
    StringBuilder t = new StringBuilder();
    line(t, header);
    line(t, header.stream().map(h -> "---").toList());
    for (int i = 0; i < rungCount(); i++) {
      int step = i;
      LadderStep first = brokers.get(0).steps().get(step);
      List<String> row = new ArrayList<>(List.of(fmt("%s Hz", trim(first.hz())), fmt("%,.0f", first.offeredIn())));
      for (Rungs b : brokers) {
        row.addAll(cells(b.steps().get(step)));
      }
      line(t, row);
    }
    List<String> last = new ArrayList<>(List.of("highest clean rate", ""));
    for (Rungs b : brokers) {
      last.add(fmt("%,.0f msg/s in", b.highestCleanRate()));
      last.addAll(List.of("", "", "", "", ""));
    }
    line(t, last);
    return t.toString();
  }

  /** One line per broker: its highest clean rate and the idle memory with every connection open. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    for (Rungs b : brokers) {
      long idle = b.steps().stream().mapToLong(st -> st.resources().idleRssKb()).max().orElse(0);
      s.append(fmt("%s: highest clean rate %,.0f msg/s in (0 lost, p99 < 50 ms, >= 98 %% delivered); idle RSS with"
          + " all connections open %s MB%n", b.broker(), b.highestCleanRate(), mb(idle)));
    }
    return s.toString();
  }

  private int rungCount() {
    return brokers.stream().mapToInt(b -> b.steps().size()).min().orElse(0);
  }

  private static List<String> cells(LadderStep s) {
    StepResources r = s.resources();
    return List.of(LatencySummary.formatMillis(s.report().latency().p99()),
        LatencySummary.formatMillis(s.report().latency().p999()), mb(r.meanRssKb()) + " / " + mb(r.peakRssKb()),
        fmt("%.0f %% / %.1f", r.brokerCpuPercent(), r.brokerMicrosPerMessage()),
        fmt("%.0f %%", r.generatorCpuPercent()), s.verdict());
  }

  private static void line(StringBuilder t, List<String> cells) {
    t.append("| ").append(String.join(" | ", cells)).append(" |").append(System.lineSeparator());
  }

  private static String mb(long kb) {
    return fmt("%.0f", kb / 1024.0);
  }

  private static String trim(double hz) {
    return hz == Math.rint(hz) ? Long.toString((long) hz) : Double.toString(hz);
  }

  private static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  public void writeJson(Path file) throws IOException {
    ObjectNode o = Json.object().put("scenario", "ladder").put("shape", shape).put("machine", machine);
    ArrayNode all = o.putArray("brokers");
    for (Rungs b : brokers) {
      ObjectNode broker = all.addObject().put("broker", b.broker());
      Json.decimal(broker, "highestCleanRate", b.highestCleanRate());
      ArrayNode steps = broker.putArray("steps");
      for (LadderStep s : b.steps()) {
        ObjectNode step = steps.addObject();
        Json.decimal(step, "hz", s.hz());
        step.put("clean", s.clean()).put("verdict", s.verdict());
        StepResources r = s.resources();
        step.putObject("resources").put("idleRssKb", r.idleRssKb()).put("meanRssKb", r.meanRssKb())
            .put("peakRssKb", r.peakRssKb()).put("brokerCpuNanos", r.brokerCpuNanos())
            .put("generatorCpuNanos", r.generatorCpuNanos()).put("windowNanos", r.windowNanos())
            .put("messagesIn", r.messagesIn());
        ObjectNode cpu = (ObjectNode) step.get("resources");
        Json.decimal(cpu, "brokerCpuPercent", r.brokerCpuPercent());
        Json.decimal(cpu, "brokerMicrosPerMessage", r.brokerMicrosPerMessage());
        Json.decimal(cpu, "generatorCpuPercent", r.generatorCpuPercent());
        Json.decimal(cpu, "generatorMicrosPerMessage", r.generatorMicrosPerMessage());
        step.set("report", Json.report(s.report()));
      }
    }
    Json.write(o, file);
  }

  public void writeHtml(Path file) throws IOException {
    Files.writeString(file, HtmlReport.page("flux bench fleet: the ladder", shape + ". " + machine,
        summary() + System.lineSeparator() + table(),
        List.of(chart("p99 latency by offered rate (log scale)", "ms", true, s -> s.report().latency().p99() / 1000.0),
            chart("broker resident memory by offered rate (mean of the measured seconds)", "MB", false,
                s -> s.resources().meanRssKb() / 1024.0))));
  }

  private Chart chart(String title, String unit, boolean log, ToDoubleFunction<LadderStep> y) {
    Function<Rungs, Chart.Series> series = b -> new Chart.Series(b.broker(),
        b.steps().stream().mapToDouble(LadderStep::offeredIn).toArray(), b.steps().stream().mapToDouble(y).toArray());
    return new Chart(title, "offered msg/s in", unit, brokers.stream().map(series).toList(), log);
  }
}
