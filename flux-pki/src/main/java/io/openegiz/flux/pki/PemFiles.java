package io.openegiz.flux.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileAttribute;

/** Writes PEM files by rename, so a broker reloading them never reads half a file. */
final class PemFiles {
  private PemFiles() {}

  /** Replaces {@code file} atomically; a secret is created readable by its owner only before any byte lands. */
  static void write(Path file, String text, boolean secret) throws IOException {
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp, secret ? PosixFiles.ownerOnly() : new FileAttribute<?>[0]);
    try {
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
