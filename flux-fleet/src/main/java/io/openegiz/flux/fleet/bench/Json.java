package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** The bench reports as JSON trees, written with Jackson; field names and order are those of the report files. */
final class Json {
  private static final JsonMapper MAPPER = JsonMapper.builder().build();

  private Json() {
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** One JSON document per file, ending with a newline. */
  static void write(JsonNode node, Path file) throws IOException {
    Files.writeString(file, MAPPER.writeValueAsString(node) + "\n");
  }

  /** A ratio or rate with two decimals, as in the text reports; null when it is not a number. */
  static void decimal(ObjectNode node, String name, double value) {
    if (Double.isFinite(value)) {
      node.put(name, BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP));
    } else {
      node.putNull(name);
    }
  }

  static ObjectNode report(BenchReport r) {
    BenchConfig c = r.config();
    ObjectNode o = object().put("broker", r.label());
    o.putObject("config").put("host", c.host()).put("port", c.port()).put("publishers", c.publishers())
        .put("subscribers", c.subscribers()).put("qos", c.qos()).put("payloadBytes", c.payloadBytes())
        .put("ratePerSecond", c.ratePerSecond()).put("durationSeconds", c.duration().toSeconds())
        .put("warmupSeconds", c.warmup().toSeconds()).put("mqtt", c.version().label()).put("window", c.window())
        .put("ioThreads", c.ioThreads()).put("windowScope", c.windowScope().name().toLowerCase(java.util.Locale.ROOT));
    o.put("measuredSeconds", r.measuredSeconds());
    decimal(o, "offeredPerSecond", r.offeredPerSecond());
    decimal(o, "sentPerSecond", r.sentPerSecond());
    decimal(o, "ackedPerSecond", r.ackedPerSecond());
    decimal(o, "deliveredPerSecond", r.deliveredPerSecond());
    o.set("latencyMicros", latency(r.latency()));
    o.put("latencyMethod", r.latencyMethod());
    o.set("connectMicros", latency(r.connect()));
    Totals t = r.totals();
    o.putObject("totals").put("offered", t.offered()).put("sent", t.sent()).put("acked", t.acked())
        .put("delivered", t.delivered()).put("lost", t.lost()).put("gaps", t.gaps()).put("duplicates", t.duplicates())
        .put("foreign", t.foreign());
    o.put("drained", r.drained());
    o.set("samples", samples(r.samples()));
    return o;
  }

  static ArrayNode samples(List<Sample> samples) {
    ArrayNode a = MAPPER.createArrayNode();
    for (Sample s : samples) {
      a.addObject().put("second", s.second()).put("warmup", s.warmup()).put("offered", s.offered())
          .put("sent", s.sent()).put("acked", s.acked()).put("delivered", s.delivered())
          .put("p50Micros", s.p50Micros()).put("p99Micros", s.p99Micros()).put("maxMicros", s.maxMicros());
    }
    return a;
  }

  static ObjectNode latency(LatencySummary l) {
    return object().put("count", l.count()).put("p50", l.p50()).put("p90", l.p90()).put("p99", l.p99())
        .put("p999", l.p999()).put("max", l.max());
  }
}
