package io.openegiz.flux.broker.security;

import java.util.ArrayList;
import java.util.List;

/**
 * One ACL topic filter, split into levels once at load time so that a check walks the topic in
 * place, without splitting, regex or substitution buffers. In {@code pattern} lines a level may hold
 * {@code %u} and {@code %c}, compared against the client's username and client id as they are.
 */
final class AclPattern {
  private static final byte MULTI = 0;
  private static final byte SINGLE = 1;
  private static final byte TEXT = 2;

  private static final byte LITERAL = 0;
  private static final byte USERNAME = 1;
  private static final byte CLIENT_ID = 2;

  /** One level: {@code #}, {@code +}, or text made of literal pieces and %u/%c holes. */
  private record Level(byte kind, String literal, String[] pieces, byte[] pieceKinds) {
    /** True when {@code s[from, to)} equals this level with the identity substituted. */
    boolean matches(String s, int from, int to, String user, String client) {
      if (pieces == null) {
        return to - from == literal.length() && s.regionMatches(from, literal, 0, literal.length());
      }
      int p = from;
      for (int i = 0; i < pieces.length; i++) {
        String v = switch (pieceKinds[i]) {
          case USERNAME -> user;
          case CLIENT_ID -> client;
          default -> pieces[i];
        };
        if (p + v.length() > to || !s.regionMatches(p, v, 0, v.length())) {
          return false;
        }
        p += v.length();
      }
      return p == to;
    }
  }

  private final String source;
  private final Level[] levels;
  private final boolean dollar;
  private final boolean usesUsername;
  private final boolean substitutes;

  private AclPattern(String source, Level[] levels, boolean usesUsername, boolean substitutes) {
    this.source = source;
    this.levels = levels;
    this.dollar = source.startsWith("$");
    this.usesUsername = usesUsername;
    this.substitutes = substitutes;
  }

  /** A {@code topic} line's filter: {@code %} has no special meaning there, as in Mosquitto. */
  static AclPattern literal(String filter) {
    return compile(filter, false);
  }

  /** A {@code pattern} line's filter, with {@code %u} and {@code %c} as placeholders. */
  static AclPattern withPlaceholders(String filter) {
    return compile(filter, true);
  }

  private static AclPattern compile(String filter, boolean placeholders) {
    String[] raw = filter.split("/", -1);
    Level[] levels = new Level[raw.length];
    boolean user = false;
    boolean any = false;
    for (int i = 0; i < raw.length; i++) {
      String r = raw[i];
      if (r.equals("#")) {
        levels[i] = new Level(MULTI, r, null, null);
      } else if (r.equals("+")) {
        levels[i] = new Level(SINGLE, r, null, null);
      } else if (placeholders && (r.contains("%u") || r.contains("%c"))) {
        levels[i] = template(r);
        user |= r.contains("%u");
        any = true;
      } else {
        levels[i] = new Level(TEXT, r, null, null);
      }
    }
    return new AclPattern(filter, levels, user, any);
  }

  private static Level template(String r) {
    List<String> pieces = new ArrayList<>();
    List<Byte> kinds = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < r.length(); i++) {
      char ch = r.charAt(i);
      char next = i + 1 < r.length() ? r.charAt(i + 1) : 0;
      if (ch == '%' && (next == 'u' || next == 'c')) {
        if (!text.isEmpty()) {
          pieces.add(text.toString());
          kinds.add(LITERAL);
          text.setLength(0);
        }
        pieces.add(null);
        kinds.add(next == 'u' ? USERNAME : CLIENT_ID);
        i++;
      } else {
        text.append(ch);
      }
    }
    if (!text.isEmpty()) {
      pieces.add(text.toString());
      kinds.add(LITERAL);
    }
    byte[] k = new byte[kinds.size()];
    for (int i = 0; i < k.length; i++) {
      k[i] = kinds.get(i);
    }
    return new Level(TEXT, r, pieces.toArray(String[]::new), k);
  }

  /** The filter as written in the file. */
  String source() {
    return source;
  }

  /** True when the pattern holds {@code %u} or {@code %c}. */
  boolean substitutes() {
    return substitutes;
  }

  /** True when the pattern holds {@code %u}: it then never applies to a client without a username. */
  boolean usesUsername() {
    return usesUsername;
  }

  /**
   * True when topic name {@code topic} matches this filter, after substitution. A topic starting
   * with {@code $} only matches an ACL topic that starts with {@code $} too (Mosquitto's rule).
   */
  boolean matches(String topic, String user, String client) {
    if (topic.startsWith("$") && !dollar) {
      return false;
    }
    int n = topic.length();
    int pos = 0; // start of the current topic level; n + 1 once every level is consumed
    for (Level l : levels) {
      if (l.kind == MULTI) {
        return true; // '#' also matches the parent level: "a/#" matches "a"
      }
      if (pos > n) {
        return false;
      }
      int end = topic.indexOf('/', pos);
      if (end < 0) {
        end = n;
      }
      if (l.kind == TEXT && !l.matches(topic, pos, end, user, client)) {
        return false;
      }
      pos = end + 1;
    }
    return pos == n + 1;
  }

  /**
   * True when every topic that subscription filter {@code filter} (valid, without {@code $share/})
   * matches is also matched by this ACL filter, after substitution: {@code a/#} covers
   * {@code a/+/b/#}, while {@code a/+} does not cover {@code a/#} (which also matches {@code a}).
   */
  boolean covers(String filter, String user, String client) {
    if (filter.startsWith("$") && !dollar) {
      return false;
    }
    String[] f = filter.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      Level l = levels[i];
      if (l.kind == MULTI) {
        return true; // every filter level so far is covered; '#' takes the rest, parent included
      }
      if (i >= f.length) {
        return false; // the ACL needs a level that the filter's topics do not have
      }
      String fl = f[i];
      if (fl.equals("#")) {
        // Filter "#" matches one-level topics and deeper ones: only "+/#" (besides "#") covers it.
        return i == 0 && l.kind == SINGLE && levels.length == 2 && levels[1].kind == MULTI;
      }
      if (l.kind == SINGLE) {
        continue;
      }
      if (fl.equals("+") || !l.matches(fl, 0, fl.length(), user, client)) {
        return false;
      }
    }
    return f.length == levels.length;
  }

  @Override
  public String toString() {
    return source;
  }
}
