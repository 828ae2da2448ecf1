package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Path;

/** Writes a single-broker report as JSON. */
public final class BenchReports {
  private BenchReports() {
  }

  public static void writeJson(BenchReport report, Path file) throws IOException {
    Json.write(Json.report(report), file);
  }
}
