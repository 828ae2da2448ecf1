package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** The open-file limit of this process (which broker processes inherit), read from /proc on Linux. */
public final class FileLimits {
  private FileLimits() {
  }

  /** The soft "Max open files" limit, or empty when unknown or unlimited. */
  public static OptionalLong openFiles() {
    try {
      return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
          .findFirst().map(l -> l.substring("Max open files".length()).trim().split("\\s+")[0])
          .filter(v -> v.chars().allMatch(Character::isDigit)).map(v -> OptionalLong.of(Long.parseLong(v)))
          .orElse(OptionalLong.empty());
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  /** A warning when {@code connections} plus head room exceed the limit, else null. */
  public static String warning(int connections) {
    OptionalLong limit = openFiles();
    if (limit.isPresent() && limit.getAsLong() < connections + 200L) {
      return "open-file limit " + limit.getAsLong() + " is below " + connections + " connections plus head room;"
          + " raise it in the launching shell first: ulimit -n 65535";
    }
    return null;
  }
}
