package io.openegiz.flux.cli;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.security.PasswordFile;
import io.openegiz.flux.broker.security.PasswordHash;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flux passwd}: manages a Mosquitto-compatible password file, with mosquitto_passwd's options. */
@Command(name = "passwd", mixinStandardHelpOptions = true,
    customSynopsis = {"flux passwd [-c | -D] [-I iterations] passwordfile username",
        "flux passwd [-c] [-I iterations] -b passwordfile username password",
        "flux passwd [-I iterations] -U passwordfile"},
    description = {"Adds, updates or deletes a user in a password file, hashed as $7$ (PBKDF2-SHA512) and",
        "readable by Mosquitto. Without -b the password is asked twice (two lines of stdin if not a terminal)."})
final class PasswdCommand implements Callable<Integer> {
  /** Mosquitto's own default: fast enough that 10,000 distinct users reconnect within 10 s on 2 cores. */
  static final int DEFAULT_ITERATIONS = 101;

  @Option(names = "-c", description = "Create a new file, overwriting an existing one.")
  boolean create;

  @Option(names = "-D", description = "Delete the user.")
  boolean delete;

  @Option(names = "-b", description = "Take the password from the command line (visible to other local users).")
  boolean batch;

  @Option(names = "-U", description = "Hash every plaintext user:password line of the file.")
  boolean upgrade;

  @Option(names = "-I", paramLabel = "iterations", defaultValue = "" + DEFAULT_ITERATIONS,
      description = "PBKDF2 iterations (default ${DEFAULT-VALUE}; see docs/security.md before raising it).")
  int iterations;

  @Parameters(paramLabel = "ARG", arity = "1..3", description = "passwordfile [username [password]]")
  List<String> args;

  InputStream in = System.in;
  PrintStream err = System.err;
  Console console = System.console();
  private final SecureRandom random = new SecureRandom();

  @Override
  public Integer call() {
    String usage = checkUsage();
    if (usage != null) {
      err.println("flux passwd: " + usage);
      return 2;
    }
    Path file = Path.of(args.get(0));
    try {
      return upgrade ? upgrade(file) : delete ? delete(file) : set(file);
    } catch (NoSuchFileException e) {
      err.println("flux passwd: " + file + ": no such file (use -c to create it)");
    } catch (IOException e) {
      err.println("flux passwd: " + file + ": " + e.getMessage());
    }
    return 1;
  }

  private String checkUsage() {
    int expected = upgrade ? 1 : batch ? 3 : 2;
    if ((create ? 1 : 0) + (delete ? 1 : 0) + (upgrade ? 1 : 0) > 1) {
      return "-c, -D and -U cannot be combined";
    }
    if ((delete || upgrade) && batch) {
      return "-b only goes with adding or changing a password";
    }
    if (args.size() != expected) {
      return "expected " + (upgrade
          ? "passwordfile"
          : batch
              ? "passwordfile username password"
              : "passwordfile username")
          + ", got " + args.size() + " argument(s)";
    }
    if (iterations < 1 || iterations > PasswordHash.MAX_ITERATIONS) {
      return "-I must be 1.." + PasswordHash.MAX_ITERATIONS;
    }
    if (!upgrade) {
      String user = args.get(1);
      if (user.isEmpty() || user.contains(":") || user.chars().anyMatch(Character::isISOControl)) {
        return "user name must be non-empty, without ':' or control characters";
      }
    }
    return null;
  }

  private int set(Path file) throws IOException {
    byte[] password = batch ? args.get(2).getBytes(StandardCharsets.UTF_8) : prompt();
    if (password == null) {
      return 1;
    }
    try {
      PasswdLines lines = create ? PasswdLines.empty() : PasswdLines.read(file);
      lines.set(args.get(1), PasswordHash.create(password, iterations, random));
      lines.write(file, create);
      return warnIfUnreadable(file);
    } finally {
      Arrays.fill(password, (byte) 0);
    }
  }

  private int delete(Path file) throws IOException {
    PasswdLines lines = PasswdLines.read(file);
    if (!lines.delete(args.get(1))) {
      err.println("flux passwd: user \"" + args.get(1) + "\" is not in " + file);
      return 1;
    }
    lines.write(file, false);
    return 0;
  }

  private int upgrade(Path file) throws IOException {
    PasswdLines lines = PasswdLines.read(file);
    int n = lines.upgrade(iterations, random);
    if (n > 0) {
      lines.write(file, false);
    }
    err.println("flux passwd: " + n + " plaintext password(s) hashed in " + file);
    return warnIfUnreadable(file);
  }

  // The file may hold other lines the broker refuses (we keep what we did not touch): say so now.
  private int warnIfUnreadable(Path file) throws IOException {
    try {
      PasswordFile.read(file);
      return 0;
    } catch (ConfigException e) {
      err.println("flux passwd: warning: the broker will refuse this file:");
      e.errors().forEach(m -> err.println("  " + m));
      return 0;
    }
  }

  /** Asks twice; null (after a message) if the answers differ or are empty. */
  private byte[] prompt() throws IOException {
    char[] first;
    char[] second;
    if (console != null) {
      first = console.readPassword("Password: ");
      second = console.readPassword("Reenter password: ");
    } else {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String a = r.readLine();
      String b = r.readLine();
      first = a == null ? null : a.toCharArray();
      second = b == null ? null : b.toCharArray();
    }
    try {
      if (first == null || second == null) {
        err.println("flux passwd: no password given (two lines expected on stdin)");
      } else if (!Arrays.equals(first, second)) {
        err.println("flux passwd: passwords do not match");
      } else if (first.length == 0) {
        err.println("flux passwd: empty password");
      } else {
        return new String(first).getBytes(StandardCharsets.UTF_8);
      }
      return null;
    } finally {
      if (first != null) {
        Arrays.fill(first, ' ');
      }
      if (second != null) {
        Arrays.fill(second, ' ');
      }
    }
  }
}
