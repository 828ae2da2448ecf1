package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.message.Topics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Mosquitto's {@code acl_file} syntax: {@code user <name>}, {@code topic [access] <filter>},
 * {@code pattern [access] <filter>}, {@code #} comments; lines before the first {@code user} line
 * belong to anonymous clients. Collects every error before failing.
 */
final class AclFileParser {
  private static final String RULE_SYNTAX = "[read|write|readwrite|deny] <topic filter>";
  private static final String ACCESS_WORDS = "read, write, readwrite, deny";

  /** The rules of one section while it is being read. */
  private static final class Section {
    final List<AclPattern> deny = new ArrayList<>();
    final List<AclPattern> read = new ArrayList<>();
    final List<AclPattern> write = new ArrayList<>();

    void add(AclFile.Access access, AclPattern p) {
      if (access == AclFile.Access.DENY) {
        deny.add(p);
      }
      if (access.reads()) {
        read.add(p);
      }
      if (access.writes()) {
        write.add(p);
      }
    }

    AclFile.Rules freeze() {
      return new AclFile.Rules(deny.toArray(AclPattern[]::new), read.toArray(AclPattern[]::new),
          write.toArray(AclPattern[]::new));
    }
  }

  private final String source;
  private final List<String> errors = new ArrayList<>();
  private final Section anonymous = new Section();
  private final Section patterns = new Section();
  private final Map<String, Section> users = new LinkedHashMap<>();
  private Section current = anonymous;
  private int line;
  private int rules;

  private AclFileParser(String source) {
    this.source = source;
  }

  static AclFile parse(String source, List<String> lines) throws ConfigException {
    AclFileParser p = new AclFileParser(source);
    for (int i = 0; i < lines.size(); i++) {
      p.line = i + 1;
      String text = lines.get(i);
      if (i == 0 && text.startsWith("\uFEFF")) {
        text = text.substring(1); // editors on Windows add a byte order mark
      }
      p.directive(text.strip());
    }
    if (!p.errors.isEmpty()) {
      throw new ConfigException(p.errors);
    }
    Map<String, AclFile.Rules> users = new LinkedHashMap<>();
    p.users.forEach((name, s) -> users.put(name, s.freeze()));
    return new AclFile(source, users, p.anonymous.freeze(), p.patterns.freeze(), p.rules);
  }

  private void directive(String text) {
    if (text.isEmpty() || text.startsWith("#")) {
      return;
    }
    int space = firstSpace(text);
    String word = space < 0 ? text : text.substring(0, space);
    String rest = space < 0 ? "" : text.substring(space + 1).strip();
    switch (word) {
      case "user" -> user(rest);
      case "topic" -> rule("topic", rest, false);
      case "pattern" -> rule("pattern", rest, true);
      default -> error("unknown directive \"" + word + "\"",
          "user <username>, topic " + RULE_SYNTAX + ", pattern " + RULE_SYNTAX + ", # comment");
    }
  }

  private void user(String name) {
    if (name.isEmpty()) {
      error("user: missing username", "user <username>");
      return;
    }
    // Repeated sections for one user add up, as in Mosquitto.
    current = users.computeIfAbsent(name, n -> new Section());
  }

  private void rule(String directive, String rest, boolean pattern) {
    if (rest.isEmpty()) {
      error(directive + ": missing topic", directive + " " + RULE_SYNTAX);
      return;
    }
    int space = firstSpace(rest);
    AclFile.Access access;
    String topic;
    if (space < 0) {
      access = accessWord(rest);
      if (access != null) {
        // Mosquitto would take "topic read" as readwrite access to a topic called "read": a typo
        // that silently grants rights, so it is refused here.
        error(directive + ": missing topic after \"" + rest + "\"", directive + " " + RULE_SYNTAX);
        return;
      }
      access = AclFile.Access.READWRITE;
      topic = rest;
    } else {
      String word = rest.substring(0, space);
      access = accessWord(word);
      if (access == null) {
        error(directive + ": bad access \"" + word + "\"", ACCESS_WORDS
            + " (a topic containing spaces needs the access word first)");
        return;
      }
      topic = rest.substring(space + 1).strip();
    }
    String invalid = Topics.validateTopicFilter(topic);
    if (invalid == null && topic.startsWith("$share/")) {
      invalid = "an ACL topic is matched against topic names, never a $share/ filter";
    }
    if (invalid != null) {
      error(directive + ": invalid topic filter \"" + topic + "\": " + invalid,
          "an MQTT topic filter: '+' and '#' fill a whole level, '#' only last");
      return;
    }
    rules++;
    if (pattern) {
      patterns.add(access, AclPattern.withPlaceholders(topic));
    } else {
      current.add(access, AclPattern.literal(topic));
    }
  }

  private static AclFile.Access accessWord(String w) {
    return switch (w) {
      case "read" -> AclFile.Access.READ;
      case "write" -> AclFile.Access.WRITE;
      case "readwrite" -> AclFile.Access.READWRITE;
      case "deny" -> AclFile.Access.DENY;
      default -> null;
    };
  }

  private static int firstSpace(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) == ' ' || s.charAt(i) == '\t') {
        return i;
      }
    }
    return -1;
  }

  private void error(String what, String accepted) {
    errors.add(source + ":" + line + ": " + what + "; accepted: " + accepted);
  }
}
