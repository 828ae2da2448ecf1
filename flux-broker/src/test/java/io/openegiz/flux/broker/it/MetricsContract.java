package io.openegiz.flux.broker.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metric rows of docs/metrics.md (the contract), read as deploy/monitoring/check_queries.py reads them:
 * a row whose first cell is a backquoted name; the third cell lists labels, {@code `name=v1,v2`} for fixed
 * values; the last cell says where the value comes from, "not yet" when the endpoint does not produce it.
 */
record MetricsContract(String section, String name, String type, Map<String, List<String>> labels, String today) {
  private static final Pattern NAME = Pattern.compile("`([a-z_]+)`");
  private static final Pattern LABEL = Pattern.compile("`([a-z_]+)(?:=([^`]*))?`");

  boolean produced() {
    return !today.startsWith("not yet") && !today.equals("Prometheus");
  }

  static List<MetricsContract> read() throws IOException {
    Path doc = Path.of("..", "docs", "metrics.md");
    List<MetricsContract> rows = new ArrayList<>();
    String section = "";
    for (String line : Files.readAllLines(doc)) {
      if (line.startsWith("## ")) {
        section = line.substring(3).strip();
      }
      String[] cells = line.split("\\|", -1); // "", name, type, labels, ..., today, ""
      Matcher m = cells.length > 4 ? NAME.matcher(cells[1].strip()) : null;
      if (m != null && m.matches()) {
        Map<String, List<String>> labels = new LinkedHashMap<>();
        Matcher l = LABEL.matcher(cells[3]);
        while (l.find()) {
          labels.put(l.group(1), l.group(2) == null ? List.of() : List.of(l.group(2).split(",")));
        }
        rows.add(new MetricsContract(section, m.group(1), cells[2].strip(), labels, cells[cells.length - 2].strip()));
      }
    }
    return rows;
  }
}
