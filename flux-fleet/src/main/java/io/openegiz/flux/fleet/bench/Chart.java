package io.openegiz.flux.fleet.bench;

import java.util.List;

/**
 * One plot of an HTML report: named series of (x, y) points sharing an x axis and a unit; with
 * {@code logY} the y axis is logarithmic (decades), for latencies that span orders of magnitude.
 */
public record Chart(String title, String xLabel, String unit, List<Series> series, boolean logY) {

  public Chart(String title, String xLabel, String unit, List<Series> series) {
    this(title, xLabel, unit, series, false);
  }

  /** One line of a chart. */
  public record Series(String name, double[] x, double[] y) {
  }
}
