package io.openegiz.flux.fleet.bench;

import java.util.List;

/** One plot of an HTML report: named series of (x, y) points sharing an x axis and a unit. */
public record Chart(String title, String xLabel, String unit, List<Series> series) {

  /** One line of a chart. */
  public record Series(String name, double[] x, double[] y) {
  }
}
