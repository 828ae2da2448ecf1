package io.openegiz.flux.cli;

import io.openegiz.flux.broker.security.PasswordHash;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A password file as lines, edited the way mosquitto_passwd edits it: comments, blank lines and other
 * users are kept as they are, and the result replaces the file atomically.
 */
final class PasswdLines {
  private final List<String> lines;

  private PasswdLines(List<String> lines) {
    this.lines = lines;
  }

  static PasswdLines empty() {
    return new PasswdLines(new ArrayList<>());
  }

  static PasswdLines read(Path file) throws IOException {
    return new PasswdLines(new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8)));
  }

  /** Sets the hash of {@code user}, replacing its line or appending one. */
  void set(String user, PasswordHash hash) {
    String line = user + ":" + hash.encoded();
    for (int i = 0; i < lines.size(); i++) {
      if (user.equals(userOf(lines.get(i)))) {
        lines.set(i, line);
        return;
      }
    }
    lines.add(line);
  }

  /** Removes every line of {@code user}; false if there was none. */
  boolean delete(String user) {
    return lines.removeIf(l -> user.equals(userOf(l)));
  }

  /**
   * Hashes every plaintext {@code user:password} line as {@code $7$}. Unlike mosquitto_passwd -U, lines
   * that are already hashed are left alone rather than hashed a second time.
   *
   * @return how many lines were hashed
   */
  int upgrade(int iterations, SecureRandom random) {
    int n = 0;
    for (int i = 0; i < lines.size(); i++) {
      String user = userOf(lines.get(i));
      if (user == null || user.isEmpty()) {
        continue;
      }
      String rest = lines.get(i).stripTrailing().substring(user.length() + 1);
      if (rest.startsWith("$6$") || rest.startsWith("$7$")) {
        continue;
      }
      byte[] password = rest.getBytes(StandardCharsets.UTF_8);
      lines.set(i, user + ":" + PasswordHash.create(password, iterations, random).encoded());
      java.util.Arrays.fill(password, (byte) 0);
      n++;
    }
    return n;
  }

  /** The user a line defines, or null for comments, blank lines and lines without ':'. */
  private static String userOf(String line) {
    if (line.isBlank() || line.stripLeading().startsWith("#")) {
      return null;
    }
    int colon = line.indexOf(':');
    return colon < 0 ? null : line.substring(0, colon);
  }

  /** Writes the file atomically; new files are 0600, existing ones keep their mode. */
  void write(Path file, boolean create) throws IOException {
    TextFiles.replace(file, lines, create);
  }
}
