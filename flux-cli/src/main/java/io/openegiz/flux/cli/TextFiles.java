package io.openegiz.flux.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/** Rewrites the files a running broker reloads (password file, ACL) so that it never sees half of one. */
final class TextFiles {
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

  private TextFiles() {}

  /**
   * Writes {@code lines} through a temporary file in the same directory and an atomic rename. New files
   * (and all files when {@code create}) are 0600; an existing file keeps its mode.
   */
  static void replace(Path file, List<String> lines, boolean create) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Set<PosixFilePermission> mode = !create && Files.exists(file) ? Files.getPosixFilePermissions(file) : OWNER_ONLY;
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp",
        PosixFilePermissions.asFileAttribute(OWNER_ONLY));
    try {
      StringBuilder text = new StringBuilder();
      lines.forEach(l -> text.append(l).append('\n'));
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp, mode);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
