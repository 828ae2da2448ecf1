package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A one-line description of the machine, for reports: CPU model, cores, OS and JVM. */
public final class Machine {
  private Machine() {
  }

  public static String describe() {
    return cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + os() + ", Java "
        + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
  }

  private static String cpuModel() {
    try {
      List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
      return lines.stream().filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
    } catch (IOException | RuntimeException e) {
      return "unknown CPU";
    }
  }

  private static String os() {
    try {
      return Files.readAllLines(Path.of("/etc/os-release")).stream().filter(l -> l.startsWith("PRETTY_NAME="))
          .findFirst().map(l -> l.substring(12).replace("\"", "")).orElse(System.getProperty("os.name"));
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.name") + " " + System.getProperty("os.version");
    }
  }
}
