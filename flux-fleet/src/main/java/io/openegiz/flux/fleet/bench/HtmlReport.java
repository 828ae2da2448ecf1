package io.openegiz.flux.fleet.bench;

import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** A self-contained HTML page (inline SVG, no network resources) with the comparison's table and charts. */
final class HtmlReport {
  private static final String[] COLORS = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd"};
  private static final int W = 720;
  private static final int H = 260;
  private static final int PAD = 50;

  private HtmlReport() {
  }

  static String render(ComparisonResult result) {
    BenchConfig c = result.baseline().config();
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
        .append("<title>flux bench compare</title><style>body{font-family:sans-serif;margin:2em}")
        .append("pre{background:#f4f4f4;padding:1em}</style></head><body>")
        .append("<h1>Broker throughput: QoS ").append(c.qos()).append(" fan-in</h1><p>")
        .append(escape(String.format(Locale.ROOT, "%d publishers -> %d subscriber(s), %d B, MQTT %s, window %d, %s",
            c.publishers(), c.subscribers(), c.payloadBytes(), c.version().label(), c.window(),
            c.openLoop() ? c.ratePerSecond() + " msg/s offered" : "closed loop")))
        .append("<br>").append(escape(result.machine())).append("</p><pre>").append(escape(result.table()))
        .append("</pre><h2>Delivered msg/s per second</h2>")
        .append(chart(result.reports(), s -> s.delivered(), "msg/s"))
        .append("<h2>p99 latency per second (ms)</h2>")
        .append(chart(result.reports(), s -> s.p99Micros() / 1000.0, "ms"))
        .append("<p>Shaded: warm-up, excluded from the averages.</p></body></html>\n");
    return b.toString();
  }

  private static String chart(List<BenchReport> reports, ToDoubleFunction<Sample> value, String unit) {
    List<Chart.Series> series = reports.stream().map(r -> {
      double[] x = r.samples().stream().mapToDouble(Sample::second).toArray();
      double[] y = r.samples().stream().mapToDouble(value).toArray();
      return new Chart.Series(r.label(), x, y);
    }).toList();
    double warmup = reports.get(0).config().warmup().toSeconds();
    return svg(new Chart("", "seconds", unit, series), warmup);
  }

  /** A page with a description, a preformatted table and charts, for the scenarios other than fan-in. */
  static String page(String title, String intro, String table, List<Chart> charts) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
        .append(escape(title)).append("</title><style>body{font-family:sans-serif;margin:2em}")
        .append("pre{background:#f4f4f4;padding:1em}</style></head><body><h1>").append(escape(title))
        .append("</h1><p>").append(escape(intro)).append("</p><pre>").append(escape(table)).append("</pre>");
    for (Chart c : charts) {
      b.append("<h2>").append(escape(c.title())).append("</h2>").append(svg(c, 0));
    }
    return b.append("</body></html>\n").toString();
  }

  private static String svg(Chart chart, double shadeUntil) {
    double xMax = chart.series().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.x())).max().orElse(1);
    java.util.function.DoubleUnaryOperator scale = chart.logY() ? v -> Math.log10(Math.max(v, 0.01)) : v -> v;
    double max = chart.series().stream().flatMapToDouble(s -> java.util.Arrays.stream(s.y())).map(scale).max()
        .orElse(1);
    max = chart.logY() ? Math.max(1, Math.ceil(max)) : max <= 0 ? 1 : max * 1.1;
    double min = chart.logY()
        ? Math.min(-1, Math.floor(chart.series().stream()
            .flatMapToDouble(s -> java.util.Arrays.stream(s.y())).map(scale).min().orElse(-1)))
        : 0;
    xMax = xMax <= 0 ? 1 : xMax;
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"11\">", W, H + 30));
    b.append(rect(x(0, xMax), PAD / 2.0, x(shadeUntil, xMax) - x(0, xMax), H - PAD, "#eee"));
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>",
        PAD, H - PAD / 2, W - 10, H - PAD / 2));
    int yTicks = chart.logY() ? (int) (max - min) : 4; // a log axis has one tick per decade
    for (int i = 0; i <= yTicks; i++) {
      double v = min + (max - min) * i / yTicks;
      b.append(String.format(Locale.ROOT, "<text x=\"2\" y=\"%.1f\">%s</text>", y(v, min, max) + 4,
          chart.logY() ? decade(v) : label(v)));
    }
    for (int i = 0; i <= 4; i++) {
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>", x(xMax * i / 4, xMax) - 8,
          H - PAD / 2 + 14, label(xMax * i / 4)));
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s (%s)</text>", W / 2, H + 20,
        escape(chart.xLabel()), escape(chart.unit())));
    for (int r = 0; r < chart.series().size(); r++) {
      Chart.Series s = chart.series().get(r);
      String color = COLORS[r % COLORS.length];
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < s.x().length; i++) {
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(s.x()[i], xMax),
            y(scale.applyAsDouble(s.y()[i]), min, max)));
      }
      b.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(color).append("\" points=\"")
          .append(points).append("\"/>");
      b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>", W - 200,
          PAD / 2 + 14 * (r + 1), color, escape(s.name())));
    }
    return b.append("</svg>").toString();
  }

  private static double x(double value, double xMax) {
    return PAD + (W - PAD - 10) * value / xMax;
  }

  private static double y(double v, double min, double max) {
    return H - PAD / 2.0 - (H - PAD) * (v - min) / (max - min);
  }

  private static String rect(double x, double y, double w, double h, String fill) {
    return String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>",
        x, y, Math.max(0, w), h, fill);
  }

  private static String label(double v) {
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    return v > 0 && v < 0.1 ? String.format(Locale.ROOT, "%.2f", v) : String.format(Locale.ROOT, "%.1f", v);
  }

  /** 10 to the power {@code exponent} in plain digits: 0.01, 1, 1000. */
  private static String decade(double exponent) {
    return java.math.BigDecimal.ONE.scaleByPowerOfTen((int) Math.round(exponent)).toPlainString();
  }

  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
