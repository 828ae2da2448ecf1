package io.openegiz.flux.fleet.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Resident memory and CPU time of a Linux process, read from {@code /proc/PID/status} (VmRSS) and
 * {@code /proc/PID/stat} (utime + stime in clock ticks); -1 where /proc cannot be read.
 */
public final class ProcessMeter {
  private static final long TICKS_PER_SECOND = clockTicks();

  private ProcessMeter() {
  }

  /** VmRSS of {@code pid} in kB, or -1 when the process or /proc is gone. */
  public static long rssKb(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).trim().split("\\s+")[0]);
        }
      }
      return -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** User plus system CPU time of {@code pid} (all its threads) in nanoseconds, or -1. */
  public static long cpuNanos(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // the command name in parentheses may hold spaces: fields are counted after the last ')'
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of proc(5)
      return ticks * 1_000_000_000L / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** sysconf(_SC_CLK_TCK) through getconf; 100, the value on every common Linux, if that fails. */
  private static long clockTicks() {
    try {
      Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes()).trim();
      if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return Long.parseLong(out);
      }
    } catch (IOException | RuntimeException e) {
      // fall through to the usual value
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 100;
  }
}
