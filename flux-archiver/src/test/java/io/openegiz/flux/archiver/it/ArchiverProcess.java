package io.openegiz.flux.archiver.it;

import io.openegiz.flux.archiver.Archiver;
import io.openegiz.flux.archiver.ArchiverConfig;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/** An archiver in a JVM of its own, from a config file, for tests that kill it with SIGKILL. */
public final class ArchiverProcess {

  private ArchiverProcess() {
  }

  public static void main(String[] args) throws Exception {
    Archiver.start(ArchiverConfig.parse(ArchiverConfig.read(Path.of(args[0]))));
    new CountDownLatch(1).await();
  }
}
