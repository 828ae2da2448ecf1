package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Mosquitto password file, read and checked in full: one {@code username:hash} per line, {@code #}
 * comments and blank lines ignored. Every problem is reported at once, by file and line.
 */
public final class PasswordFile {
  static final String ACCEPTED = "accepted: $7$ (PBKDF2-SHA512) or $6$ lines as written by mosquitto_passwd"
      + " or flux passwd";

  private final String source;
  private final Map<String, PasswordHash> users;

  private PasswordFile(String source, Map<String, PasswordHash> users) {
    this.source = source;
    this.users = Collections.unmodifiableMap(users);
  }

  /** Reads {@code file}; errors are named after its file name, as in {@code passwd:3: ...}. */
  public static PasswordFile read(Path file) throws IOException, ConfigException {
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    Path name = file.getFileName();
    return parse(name == null ? file.toString() : name.toString(), lines);
  }

  /** Parses lines that came from {@code source}; throws with every error if any line is unusable. */
  public static PasswordFile parse(String source, List<String> lines) throws ConfigException {
    Map<String, PasswordHash> users = new LinkedHashMap<>();
    Map<String, Integer> firstLine = new HashMap<>();
    List<String> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).stripTrailing(); // CR of files edited on Windows, stray blanks
      if (line.isBlank() || line.stripLeading().startsWith("#")) {
        continue;
      }
      String where = source + ":" + (i + 1) + ": ";
      int colon = line.indexOf(':');
      if (colon < 0) {
        errors.add(where + "no ':' between user name and password hash; " + ACCEPTED);
        continue;
      }
      String user = line.substring(0, colon);
      if (user.isEmpty()) {
        errors.add(where + "empty user name; " + ACCEPTED);
        continue;
      }
      Integer seen = firstLine.putIfAbsent(user, i + 1);
      if (seen != null) {
        errors.add(where + "user \"" + user + "\": duplicate, first defined on line " + seen);
        continue;
      }
      try {
        users.put(user, PasswordHash.parse(line.substring(colon + 1)));
      } catch (IllegalArgumentException e) {
        // The message of PasswordHash.parse never quotes the text: it may be a plaintext password.
        errors.add(where + "user \"" + user + "\": " + e.getMessage() + "; " + ACCEPTED);
      }
    }
    if (!errors.isEmpty()) {
      throw new ConfigException(errors);
    }
    return new PasswordFile(source, users);
  }

  /** The hash of {@code username}, or null if the file has no such user. */
  public PasswordHash hash(String username) {
    return users.get(username);
  }

  /** User names in file order. */
  public Set<String> users() {
    return users.keySet();
  }

  /** The name errors are reported under. */
  public String source() {
    return source;
  }

  /**
   * The iteration count most users have, so that a check for an unknown user costs what a typical
   * known user costs; {@code fallback} if there are no {@code $7$} entries.
   */
  public int typicalIterations(int fallback) {
    Map<Integer, Integer> counts = new HashMap<>();
    users.values().stream().filter(PasswordHash::isPbkdf2).forEach(h -> counts.merge(h.iterations(), 1, Integer::sum));
    return counts.entrySet().stream().max(Map.Entry.<Integer, Integer>comparingByValue()
        .thenComparing(Map.Entry.comparingByKey())).map(Map.Entry::getKey).orElse(fallback);
  }

  /**
   * A hash of random bytes at {@link #typicalIterations the typical cost}: an unknown user is checked against it,
   * so that the answer takes as long as for a known one and the timing does not tell which users exist.
   */
  public PasswordHash dummyHash(SecureRandom random) {
    byte[] junk = new byte[16];
    random.nextBytes(junk);
    return PasswordHash.create(junk, typicalIterations(1), random);
  }
}
