package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.message.SharedFilter;
import io.openegiz.flux.broker.message.Topics;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces a Mosquitto-style {@code acl_file}. Checks read one immutable {@link AclFile} through a
 * volatile field, so they take no lock; {@link #reload()} swaps in a new one only if it parses.
 */
public final class AclAuthorizer implements Authorizer {
  private static final Logger LOG = LoggerFactory.getLogger(AclAuthorizer.class);

  private final Path file;
  private volatile AclFile rules;
  private volatile long generation;

  /** Loads {@code file}; a broker must not start with an ACL it cannot read, hence the exception. */
  public AclAuthorizer(Path file) throws ConfigException {
    this.file = Objects.requireNonNull(file, "file");
    this.rules = AclFile.load(file);
    LOG.info("ACL file {}: {} rules loaded", file, rules.ruleCount());
  }

  /**
   * Re-reads the file. On success the new rules apply to every later check and the result is
   * empty; otherwise the rules in force stay and the errors ({@code file:line: ...}) are returned
   * and logged.
   */
  public synchronized List<String> reload() {
    try {
      AclFile next = AclFile.load(file);
      rules = next;
      generation++; // after the new rules: whoever sees the new generation decides with them
      LOG.info("ACL file {} reloaded: {} rules", file, next.ruleCount());
      return List.of();
    } catch (ConfigException e) {
      for (String error : e.errors()) {
        LOG.warn("ACL reload refused, previous rules kept: {}", error);
      }
      return e.errors();
    }
  }

  @Override
  public long generation() {
    return generation;
  }

  /** The rules in force now. */
  public AclFile rules() {
    return rules;
  }

  public Path file() {
    return file;
  }

  @Override
  public boolean canPublish(ClientIdentity client, String topic) {
    return rules.canWrite(client, topic);
  }

  /** {@code $share/group/filter} is judged on its filter: the group name grants nothing. */
  @Override
  public boolean canSubscribe(ClientIdentity client, String filter) {
    SharedFilter shared;
    try {
      shared = Topics.parseShared(filter);
    } catch (IllegalArgumentException e) {
      return false;
    }
    return rules.canSubscribe(client, shared.filter());
  }

  @Override
  public boolean canReceive(ClientIdentity client, String topic) {
    return rules.canRead(client, topic);
  }
}
