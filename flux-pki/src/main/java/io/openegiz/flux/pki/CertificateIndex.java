package io.openegiz.flux.pki;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The record of every certificate a {@link CertificateStore} issued, oldest first, kept in a small
 * tab-separated text file so that revocation and listing work even after the certificate files moved on.
 */
public final class CertificateIndex {
  static final String HEADER = "# flux certs index: kind, serial (hex), not after, revoked at (or -), name;"
      + " written by flux certs";

  /** Who a certificate is for. */
  public enum Kind {
    SERVER, DEVICE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One issued certificate; {@code revokedAt} is null while it is not revoked. */
  public record Entry(Kind kind, String name, BigInteger serial, Instant notAfter, Instant revokedAt) {
    public boolean revoked() {
      return revokedAt != null;
    }

    Entry revoke(Instant at) {
      return new Entry(kind, name, serial, notAfter, at);
    }

    String line() {
      return String.join("\t", kind.label(), serial.toString(16), notAfter.toString(),
          revokedAt == null ? "-" : revokedAt.toString(), name);
    }
  }

  private final List<Entry> entries;

  private CertificateIndex(List<Entry> entries) {
    this.entries = entries;
  }

  static CertificateIndex empty() {
    return new CertificateIndex(new ArrayList<>());
  }

  /** Reads the index; a missing file is an empty index (a CA made by other tools). */
  static CertificateIndex read(Path file) throws IOException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return empty();
    }
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      try {
        if (f.length != 5) {
          throw new IllegalArgumentException("expected 5 tab-separated fields, got " + f.length);
        }
        entries.add(new Entry(Kind.valueOf(f[0].toUpperCase(java.util.Locale.ROOT)), f[4], new BigInteger(f[1], 16),
            Instant.parse(f[2]), f[3].equals("-") ? null : Instant.parse(f[3])));
      } catch (IllegalArgumentException | DateTimeParseException e) {
        throw new IOException(file + " line " + (i + 1) + ": cannot be read (" + e.getMessage() + ")", e);
      }
    }
    return new CertificateIndex(entries);
  }

  /** Writes the whole index to a temporary file first, so a crash never leaves half an index. */
  void write(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add(HEADER);
    entries.forEach(e -> lines.add(e.line()));
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  void add(Entry e) {
    entries.add(e);
  }

  /** The most recent certificate issued for this name, if any. */
  Optional<Entry> latest(Kind kind, String name) {
    for (int i = entries.size() - 1; i >= 0; i--) {
      Entry e = entries.get(i);
      if (e.kind() == kind && e.name().equals(name)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** Marks every unrevoked certificate of this name revoked; returns those it marked. */
  List<Entry> revoke(Kind kind, String name, Instant at) {
    List<Entry> done = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      if (e.kind() == kind && e.name().equals(name) && !e.revoked()) {
        entries.set(i, e.revoke(at));
        done.add(entries.get(i));
      }
    }
    return done;
  }
}
