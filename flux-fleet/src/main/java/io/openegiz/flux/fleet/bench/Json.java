package io.openegiz.flux.fleet.bench;

import java.util.List;
import java.util.Locale;

/** Writes bench reports as JSON by hand: the shapes are few and fixed, a JSON library is not worth it. */
final class Json {
  private Json() {
  }

  static String report(BenchReport r) {
    BenchConfig c = r.config();
    Totals t = r.totals();
    LatencySummary l = r.latency();
    StringBuilder b = new StringBuilder("{");
    field(b, "broker", r.label()).append(',');
    b.append("\"config\":{");
    field(b, "host", c.host()).append(',').append(num("port", c.port())).append(',')
        .append(num("publishers", c.publishers())).append(',').append(num("subscribers", c.subscribers()))
        .append(',').append(num("qos", c.qos())).append(',').append(num("payloadBytes", c.payloadBytes()))
        .append(',').append(num("ratePerSecond", c.ratePerSecond())).append(',')
        .append(num("durationSeconds", c.duration().toSeconds())).append(',')
        .append(num("warmupSeconds", c.warmup().toSeconds())).append(',');
    field(b, "mqtt", c.version().label()).append(',').append(num("window", c.window())).append(',')
        .append(num("ioThreads", c.ioThreads())).append(',');
    field(b, "windowScope", c.windowScope().name().toLowerCase(java.util.Locale.ROOT)).append("},");
    b.append(num("measuredSeconds", r.measuredSeconds())).append(',')
        .append(dec("offeredPerSecond", r.offeredPerSecond())).append(',')
        .append(dec("sentPerSecond", r.sentPerSecond())).append(',')
        .append(dec("ackedPerSecond", r.ackedPerSecond())).append(',')
        .append(dec("deliveredPerSecond", r.deliveredPerSecond())).append(',');
    b.append("\"latencyMicros\":{").append(num("count", l.count())).append(',').append(num("p50", l.p50()))
        .append(',').append(num("p90", l.p90())).append(',').append(num("p99", l.p99())).append(',')
        .append(num("p999", l.p999())).append(',').append(num("max", l.max())).append("},");
    field(b, "latencyMethod", r.latencyMethod()).append(',');
    b.append("\"connectMicros\":").append(latency(r.connect())).append(',');
    b.append("\"totals\":{").append(num("offered", t.offered())).append(',').append(num("sent", t.sent()))
        .append(',').append(num("acked", t.acked())).append(',').append(num("delivered", t.delivered()))
        .append(',').append(num("lost", t.lost())).append(',').append(num("gaps", t.gaps())).append(',')
        .append(num("duplicates", t.duplicates())).append(',').append(num("foreign", t.foreign())).append("},");
    b.append("\"drained\":").append(r.drained()).append(',');
    b.append("\"samples\":").append(samples(r.samples()));
    return b.append('}').toString();
  }

  static String samples(List<Sample> samples) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < samples.size(); i++) {
      Sample s = samples.get(i);
      b.append(i == 0 ? "" : ",").append('{').append(num("second", s.second())).append(",\"warmup\":")
          .append(s.warmup()).append(',').append(num("offered", s.offered())).append(',')
          .append(num("sent", s.sent())).append(',').append(num("acked", s.acked())).append(',')
          .append(num("delivered", s.delivered())).append(',').append(num("p50Micros", s.p50Micros()))
          .append(',').append(num("p99Micros", s.p99Micros())).append(',').append(num("maxMicros", s.maxMicros()))
          .append('}');
    }
    return b.append(']').toString();
  }

  static String latency(LatencySummary l) {
    return "{" + num("count", l.count()) + "," + num("p50", l.p50()) + "," + num("p90", l.p90()) + ","
        + num("p99", l.p99()) + "," + num("p999", l.p999()) + "," + num("max", l.max()) + "}";
  }

  static StringBuilder field(StringBuilder b, String name, String value) {
    return b.append(quote(name)).append(':').append(quote(value));
  }

  static String num(String name, long value) {
    return quote(name) + ":" + value;
  }

  static String dec(String name, double value) {
    return quote(name) + ":" + String.format(Locale.ROOT, "%.2f", value);
  }

  static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (ch < 0x20) {
            b.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
          } else {
            b.append(ch);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
