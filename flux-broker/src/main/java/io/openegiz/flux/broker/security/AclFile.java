package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable, parsed Mosquitto {@code acl_file}: per-user rule lists, the anonymous section and
 * the {@code pattern} rules, with the checks the broker makes. Safe to share between threads.
 */
public final class AclFile {

  /** The access word of a {@code topic} or {@code pattern} line. */
  public enum Access {
    READ, WRITE, READWRITE, DENY;

    boolean reads() { return this == READ || this == READWRITE; }
    boolean writes() { return this == WRITE || this == READWRITE; }
  }

  /** The rules of one section, pre-sorted by what they grant so that a check only walks its own kind. */
  record Rules(AclPattern[] deny, AclPattern[] read, AclPattern[] write) {
    static final Rules EMPTY = new Rules(new AclPattern[0], new AclPattern[0], new AclPattern[0]);

    boolean isEmpty() {
      return deny.length + read.length + write.length == 0;
    }
  }

  /** How an ACL filter is compared with what the client asks for. */
  @FunctionalInterface
  private interface Test {
    boolean test(AclPattern acl, String topicOrFilter, String user, String client);
  }

  private static final Test MATCHES = AclPattern::matches;
  private static final Test COVERS = AclPattern::covers;

  private final String source;
  private final Map<String, Rules> users;
  private final Rules anonymous;
  private final Rules patterns;
  private final int ruleCount;

  AclFile(String source, Map<String, Rules> users, Rules anonymous, Rules patterns, int ruleCount) {
    this.source = source;
    this.ruleCount = ruleCount;
    this.users = Map.copyOf(users);
    this.anonymous = anonymous;
    this.patterns = patterns;
  }

  /** Reads and parses {@code file}; every problem is reported at once. */
  public static AclFile load(Path file) throws ConfigException {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new ConfigException(List.of(file + ": cannot read the ACL file: " + e));
    }
    return parse(file.toString(), lines);
  }

  /** Parses {@code lines} as the content of a file called {@code source} (used in messages). */
  public static AclFile parse(String source, List<String> lines) throws ConfigException {
    return AclFileParser.parse(source, lines);
  }

  /** The file name given at load time. */
  public String source() {
    return source;
  }

  /** The usernames that have a {@code user} section. */
  public Set<String> users() {
    return users.keySet();
  }

  /** The rules of {@code user}'s section (empty when it has none). */
  Rules rulesOf(String user) {
    return users.getOrDefault(user, Rules.EMPTY);
  }

  /** How many {@code topic} and {@code pattern} lines were loaded. */
  public int ruleCount() {
    return ruleCount;
  }

  /** May {@code client} publish to topic name {@code topic}? */
  public boolean canWrite(ClientIdentity client, String topic) {
    return check(client, topic, false, MATCHES);
  }

  /** May {@code client} receive a message published to {@code topic} (retained ones included)? */
  public boolean canRead(ClientIdentity client, String topic) {
    return check(client, topic, true, MATCHES);
  }

  /**
   * May {@code client} subscribe to {@code filter} (no {@code $share/} prefix)? Yes when one read
   * rule covers every topic the filter matches and no deny rule does; a deny rule that covers only
   * part of the filter leaves the subscription allowed, and delivery checks then skip those topics.
   */
  public boolean canSubscribe(ClientIdentity client, String filter) {
    return check(client, filter, true, COVERS);
  }

  /**
   * Deny rules first (user section, then patterns), then grants. Pattern rights need a username
   * and client id that cannot change the pattern's shape: see {@link #safeForPatterns}.
   */
  private boolean check(ClientIdentity client, String topic, boolean read, Test test) {
    String user = client.username();
    String id = client.clientId();
    Rules own = user == null ? anonymous : users.getOrDefault(user, Rules.EMPTY);
    if (any(own.deny, topic, user, id, test)) {
      return false;
    }
    boolean hasPatterns = !patterns.isEmpty();
    boolean safe = hasPatterns && safeForPatterns(user, id);
    if (hasPatterns && denyPattern(topic, user, id, safe, test)) {
      return false;
    }
    if (any(read ? own.read : own.write, topic, user, id, test)) {
      return true;
    }
    return safe && anyPattern(read ? patterns.read : patterns.write, topic, user, id, test);
  }

  private static boolean any(AclPattern[] rules, String topic, String user, String id, Test test) {
    for (AclPattern p : rules) {
      if (test.test(p, topic, user, id)) {
        return true;
      }
    }
    return false;
  }

  private boolean denyPattern(String topic, String user, String id, boolean safe, Test test) {
    for (AclPattern p : patterns.deny) {
      if (p.substitutes() && !safe) {
        if (p.usesUsername() && user == null) {
          continue; // as Mosquitto: a %u pattern never applies to a client without a username
        }
        return true; // cannot tell what this deny covers for this identity: fail closed
      }
      if (!(p.usesUsername() && user == null) && test.test(p, topic, user, id)) {
        return true;
      }
    }
    return false;
  }

  private static boolean anyPattern(AclPattern[] rules, String topic, String user, String id, Test test) {
    for (AclPattern p : rules) {
      if (p.usesUsername() && user == null) {
        continue;
      }
      if (test.test(p, topic, user, id)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A username or client id holding {@code + # /} would turn {@code %u}/{@code %c} into wildcards or
   * extra levels ({@code %c = "#"} makes {@code devices/%c} match every device); an empty one
   * collapses a level. Such clients get no pattern rights at all, as in Mosquitto.
   */
  static boolean safeForPatterns(String user, String clientId) {
    return clientId != null && safeValue(clientId) && (user == null || safeValue(user));
  }

  private static boolean safeValue(String v) {
    if (v.isEmpty()) {
      return false;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c == '+' || c == '#' || c == '/') {
        return false;
      }
    }
    return true;
  }
}
