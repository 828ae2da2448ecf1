package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.config.ConfigException;
import io.openegiz.flux.broker.config.SecurityConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's security parts, built in one place from the configuration: the authenticator (password
 * file or anonymous rules), the authorizer (ACL file or allow-all), the audit log and the throttles;
 * with their reload on file change and SIGHUP.
 */
public final class SecurityServices implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SecurityServices.class);

  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Authorizer guarded;
  private final AuditLog audit;
  private final AuthThrottle authThrottle;
  private final SecurityConfig config;
  private long passwordStamp;
  private long aclStamp;

  private SecurityServices(Authenticator authenticator, Authorizer authorizer, AuditLog audit,
      AuthThrottle authThrottle, SecurityConfig config) {
    this.authenticator = authenticator;
    this.authorizer = authorizer;
    this.guarded = new SysWriteGuard(authorizer);
    this.audit = audit;
    this.authThrottle = authThrottle;
    this.config = config;
    this.passwordStamp = stamp(config.passwordFile());
    this.aclStamp = stamp(config.aclFile());
  }

  /**
   * Builds the services; {@code authenticator}/{@code authorizer} given in code win over the files.
   * {@code onAuditLost} runs for every audit event dropped because the writer could not keep up.
   *
   * @throws IllegalStateException naming every problem when a file cannot be used: start-up stops
   */
  public static SecurityServices create(SecurityConfig config, boolean allowAnonymous, Authenticator authenticator,
      Authorizer authorizer, Clock clock, Runnable onAuditLost) {
    try {
      Authenticator authn = authenticator != null
          ? authenticator
          : config.passwordFile() != null
              ? new PasswordAuthenticator(config.passwordFile(), allowAnonymous)
              : new AnonymousAuthenticator(allowAnonymous);
      Authorizer authz = authorizer != null
          ? authorizer
          : config.aclFile() != null ? new AclAuthorizer(config.aclFile()) : Authorizer.ALLOW_ALL;
      return new SecurityServices(authn, authz, AuditLog.open(config.audit(), clock, onAuditLost),
          new AuthThrottle(config.logins(), clock), config);
    } catch (ConfigException e) {
      throw new IllegalStateException(e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalStateException("cannot open a security file: " + e.getMessage(), e);
    }
  }

  public Authenticator authenticator() { return authenticator; }
  /** The authorizer in force, with {@code $SYS} closed to client publishes whatever the ACL grants. */
  public Authorizer authorizer() {
    return guarded;
  }
  public AuditLog audit() { return audit; }
  public AuthThrottle authThrottle() { return authThrottle; }
  public SecurityConfig config() { return config; }

  /** Re-reads the password and ACL files if they changed on disk; errors keep the old content. */
  public synchronized void reloadIfChanged() {
    long p = stamp(config.passwordFile());
    if (p != passwordStamp) {
      passwordStamp = p;
      reloadPasswords();
    }
    long a = stamp(config.aclFile());
    if (a != aclStamp) {
      aclStamp = a;
      reloadAcl();
    }
    authThrottle.expire();
  }

  /** Re-reads both files (SIGHUP). */
  public synchronized void reload() {
    reloadPasswords();
    reloadAcl();
  }

  private void reloadPasswords() {
    if (authenticator instanceof PasswordAuthenticator p) {
      report("password file " + config.passwordFile(), p.reload());
    }
  }

  private void reloadAcl() {
    if (authorizer instanceof AclAuthorizer a) {
      report("ACL file " + config.aclFile(), a.reload());
    }
  }

  private static void report(String what, List<String> errors) {
    if (errors.isEmpty()) {
      LOG.info("{} reloaded", what);
    } else {
      LOG.error("{} changed but has errors; the previous content stays in force:\n  {}", what,
          String.join("\n  ", errors));
    }
  }

  private static long stamp(Path file) {
    try {
      return file == null ? 0 : Files.getLastModifiedTime(file).toMillis() ^ (Files.size(file) << 40);
    } catch (IOException e) {
      return -1;
    }
  }

  @Override
  public void close() {
    if (authenticator instanceof PasswordAuthenticator p) {
      p.close();
    }
    audit.close();
  }
}
