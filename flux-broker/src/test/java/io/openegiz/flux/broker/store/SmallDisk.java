package io.openegiz.flux.broker.store;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real, small file system for disk-full tests: a tmpfs of a given size mounted in a test folder
 * (needs root; the test is skipped where mounting is not allowed), unmounted on close.
 */
public final class SmallDisk implements AutoCloseable {
  private final Path mount;

  private SmallDisk(Path mount) {
    this.mount = mount;
  }

  /** Mounts a tmpfs of {@code size} (e.g. "48m") at {@code dir}/mnt. */
  public static SmallDisk mount(Path dir, String size) throws IOException, InterruptedException {
    Path mnt = Files.createDirectory(dir.resolve("mnt"));
    Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mnt.toString())
        .redirectErrorStream(true).start();
    Assumptions.assumeTrue(p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0, "cannot mount a tmpfs here");
    return new SmallDisk(mnt);
  }

  public Path path() {
    return mount;
  }

  /** Writes {@code filler} until the disk is full. */
  public static void fill(Path filler) {
    byte[] chunk = new byte[1 << 20];
    try (OutputStream out = Files.newOutputStream(filler)) {
      while (true) {
        out.write(chunk);
      }
    } catch (IOException full) {
      // the disk is full now
    }
  }

  @Override
  public void close() throws IOException, InterruptedException {
    new ProcessBuilder("umount", mount.toString()).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
  }
}
