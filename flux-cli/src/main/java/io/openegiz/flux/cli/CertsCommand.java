package io.openegiz.flux.cli;

import io.openegiz.flux.broker.security.AclFile;
import io.openegiz.flux.broker.security.ServiceNames;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateAuthority;
import io.openegiz.flux.pki.CertificateIndex.Entry;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import io.openegiz.flux.pki.CertificateStatus;
import io.openegiz.flux.pki.CertificateStore.CertsException;
import io.openegiz.flux.pki.CertificateStore.Written;
import io.openegiz.flux.pki.CertificateStore;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flux certs}: an internal CA and the certificates of the broker and its devices, without openssl. */
@Command(name = "certs", mixinStandardHelpOptions = true,
    description = {"Makes an internal CA, server and device certificates (ECDSA P-256 by default, RSA 2048 with",
        "--rsa; 90-day leaves for rotation every 90 days) and a CRL to revoke them. See docs/certificates.md."},
    subcommands = {CertsCommand.Ca.class, CertsCommand.Server.class, CertsCommand.Device.class,
        CertsCommand.Revoke.class, CertsCommand.ListCerts.class, CertsCommand.Renew.class, CertsCommand.Crl.class,
        CertsCommand.Check.class})
final class CertsCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(),
        "missing subcommand; accepted: ca, server, device, revoke, list, renew, crl, check");
  }

  /** Options and error handling every subcommand shares. */
  abstract static class Base implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "Directory of the CA files.")
    Path dir;

    PrintWriter out;
    PrintWriter err;

    @Override
    public Integer call() {
      out = spec.commandLine().getOut();
      err = spec.commandLine().getErr();
      try {
        return execute();
      } catch (CertsException e) {
        err.println("flux certs " + spec.name() + ": " + e.getMessage());
        return 1;
      }
    }

    abstract int execute() throws CertsException;

    void wrote(Written w) {
      var c = w.certificate();
      out.printf("wrote %s and %s (%s, %s, serial %s, valid until %s)%n", w.certFile(), w.keyFile(),
          c.getSubjectX500Principal().getName(), describe(CertificateAuthority.keyTypeOf(c)),
          c.getSerialNumber().toString(16), c.getNotAfter().toInstant());
    }

    static String describe(KeyType type) {
      return type == KeyType.EC ? "ECDSA P-256" : "RSA 2048";
    }
  }

  /** Options of the commands that issue a certificate. */
  abstract static class Issuing extends Base {
    @Option(names = "--days", paramLabel = "N", defaultValue = "90",
        description = "Validity in days (default ${DEFAULT-VALUE}: SEC-7 rotates every 90 days).")
    long days;

    @Option(names = "--rsa", description = "RSA 2048 instead of ECDSA P-256.")
    boolean rsa;

    @Option(names = "--force",
        description = "Overwrite existing certificate and key files; for a device, also accept a service user's name.")
    boolean force;

    KeyType keyType() {
      return rsa ? KeyType.RSA : KeyType.EC;
    }
  }

  @Command(name = "ca", mixinStandardHelpOptions = true,
      description = "Makes DIR/ca.crt, DIR/ca.key (0600), an empty DIR/ca.crl and DIR/index.txt.")
  static final class Ca extends Base {
    @Option(names = "--name", defaultValue = "Flux Internal CA",
        description = "CN of the CA (default: ${DEFAULT-VALUE}).")
    String name;

    @Option(names = "--days", paramLabel = "N", defaultValue = "3650",
        description = "Validity (default ${DEFAULT-VALUE}).")
    long days;

    @Option(names = "--rsa", description = "RSA 2048 instead of ECDSA P-256.")
    boolean rsa;

    @Option(names = "--force", description = "Replace an existing CA: every certificate it issued stops validating.")
    boolean force;

    @Override
    int execute() throws CertsException {
      KeyType type = rsa ? KeyType.RSA : KeyType.EC;
      CertificateStore store = CertificateStore.create(dir, name, type, Duration.ofDays(days), force);
      var c = store.caCertificate();
      out.printf("wrote %s and %s (CN=%s, %s, valid until %s), %s and %s%n", store.caFile(),
          dir.resolve("ca.key"), name, describe(type), c.getNotAfter().toInstant(), store.crlFile(), store.indexFile());
      out.println("keep ca.key secret and offline if you can; give devices ca.crt only");
      return 0;
    }
  }

  @Command(name = "server", mixinStandardHelpOptions = true,
      description = "Makes DIR/NAME.crt and DIR/NAME.key for the broker's TLS listener (certfile, keyfile).")
  static final class Server extends Issuing {
    @Option(names = "--dns", paramLabel = "NAME", description = "A DNS name clients connect to (repeatable).")
    List<String> dns = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDRESS", description = "An IP address clients connect to (repeatable).")
    List<String> ips = new ArrayList<>();

    @Option(names = "--name", defaultValue = "server", description = "File name (default: ${DEFAULT-VALUE}).")
    String name;

    @Override
    int execute() throws CertsException {
      wrote(CertificateStore.open(dir).server(name, dns, ips, keyType(), Duration.ofDays(days), force));
      return 0;
    }
  }

  @Command(name = "device", mixinStandardHelpOptions = true,
      description = {"Makes DIR/devices/ID.crt and DIR/devices/ID.key, CN = the device id, for",
          "each ID. Refuses the names of service users (egizcore, archiver, ml-service,",
          "monitoring, telegraf, grafana, prometheus; with --acl also every user FILE",
          "gives rights beyond one equipment) unless --force: a device certificate with",
          "such a CN would log in as that service. Bind the device to its topics with",
          "flux acl device (docs/security.md, \"The OpenEgiz ACL\")."})
  static final class Device extends Issuing {
    @Parameters(paramLabel = "ID", arity = "1..*", description = "Device ids, e.g. esp32-oven001-elec.")
    List<String> ids;

    @Option(names = "--acl", paramLabel = "FILE",
        description = "The broker's acl_file: its service users are refused as device ids too.")
    Path acl;

    @Override
    int execute() throws CertsException {
      if (!force) {
        AclFile services = acl == null ? null : AclCommand.load(acl, CertsException::new);
        for (String id : ids) {
          String collision = ServiceNames.collision(id, services);
          if (collision != null) {
            throw new CertsException(collision + "; or --force if it really is a device");
          }
        }
      }
      CertificateStore store = CertificateStore.open(dir);
      for (String id : ids) {
        wrote(store.device(id, keyType(), Duration.ofDays(days), force));
      }
      return 0;
    }
  }

  @Command(name = "revoke", mixinStandardHelpOptions = true,
      description = "Revokes every certificate issued for each ID and re-signs DIR/ca.crl (the broker's crlfile).")
  static final class Revoke extends Base {
    @Option(names = "--server", description = "The names are server names, not device ids.")
    boolean server;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "Device ids (or server names with --server).")
    List<String> names;

    @Override
    int execute() throws CertsException {
      CertificateStore store = CertificateStore.open(dir);
      List<Entry> done = store.revoke(server ? Kind.SERVER : Kind.DEVICE, names);
      done.forEach(e -> out.printf("revoked %s %s (serial %s)%n", e.kind().label(), e.name(), e.serial().toString(16)));
      if (done.isEmpty()) {
        out.println("nothing new to revoke: already revoked");
      }
      out.printf("wrote %s (%d revoked in all); the broker picks it up within seconds%n", store.crlFile(),
          store.entries().stream().filter(Entry::revoked).count());
      return 0;
    }
  }

  @Command(name = "renew", mixinStandardHelpOptions = true,
      description = {"A new key and certificate for each ID, same CN, names and key type. The previous",
          "certificate stays valid until it expires, so devices can be updated one by one."})
  static final class Renew extends Base {
    @Option(names = "--server", description = "The names are server names, not device ids.")
    boolean server;

    @Option(names = "--days", paramLabel = "N", defaultValue = "90",
        description = "Validity (default ${DEFAULT-VALUE}).")
    long days;

    @Parameters(paramLabel = "ID", arity = "1..*", description = "Device ids (or server names with --server).")
    List<String> names;

    @Override
    int execute() throws CertsException {
      CertificateStore store = CertificateStore.open(dir);
      for (String name : names) {
        wrote(store.renew(server ? Kind.SERVER : Kind.DEVICE, name, Duration.ofDays(days)));
      }
      return 0;
    }
  }

  @Command(name = "crl", mixinStandardHelpOptions = true,
      description = "Re-signs DIR/ca.crl with the revocations so far; do it before its next update passes.")
  static final class Crl extends Base {
    @Override
    int execute() throws CertsException {
      CertificateStore store = CertificateStore.open(dir);
      try {
        var crl = store.writeCrl();
        out.printf("wrote %s (%d revoked, next update %s)%n", store.crlFile(),
            crl.getRevokedCertificates() == null ? 0 : crl.getRevokedCertificates().size(),
            crl.getNextUpdate().toInstant());
      } catch (IOException e) {
        throw new CertsException(store.crlFile() + ": cannot write: " + e.getMessage());
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Lists the CA and every certificate it issued; warns of those expiring within 30 days.")
  static final class ListCerts extends Base {
    @Override
    int execute() throws CertsException {
      CertificateStore store = CertificateStore.open(dir);
      Instant now = Instant.now();
      List<CertificateStatus> all = CertificateStatus.of(store, now);
      out.printf("%-7s %-32s %-33s %-20s %9s %s%n", "KIND", "NAME", "SERIAL", "NOT AFTER", "DAYS LEFT", "STATE");
      for (CertificateStatus s : all) {
        out.printf("%-7s %-32s %-33s %-20s %9d %s%n", s.kind(), s.name(), s.serial().toString(16),
            s.notAfter().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.daysLeft(), s.state().label());
      }
      all.stream().filter(CertificateStatus::needsRotation).forEach(s -> err.printf(
          "warning: %s %s %s; renew it: flux certs %s --dir %s%s %s%n", s.kind(), s.name(),
          s.daysLeft() < 0 || s.state() == CertificateStatus.State.EXPIRED
              ? "has expired"
              : "expires in " + s.daysLeft() + " days",
          s.kind().equals("ca") ? "ca --force" : "renew", dir, s.kind().equals("server") ? " --server" : "",
          s.kind().equals("ca") ? "" : s.name()));
      Instant next = store.crlNextUpdate();
      if (next == null) {
        err.printf("warning: %s is missing or unreadable; write it with: flux certs crl --dir %s%n", store.crlFile(),
            dir);
      } else if (next.isBefore(now.plus(CertificateStore.EXPIRY_WARNING))) {
        err.printf("warning: %s must be re-signed before %s or the broker refuses every client certificate:"
            + " flux certs crl --dir %s%n", store.crlFile(), next, dir);
      }
      return 0;
    }
  }

  @Command(name = "check", mixinStandardHelpOptions = true,
      description = {"Lists the current certificates (CA, servers, devices) and the CRL's next update that fall",
          "within --days, expired ones included. Exit status 1 when anything is listed, 0 when nothing is",
          "due: run it from cron or a systemd timer and alert on failure."})
  static final class Check extends Base {
    @Option(names = "--days", paramLabel = "N", defaultValue = "30",
        description = "The window in days (default ${DEFAULT-VALUE}).")
    long days;

    @Override
    int execute() throws CertsException {
      if (days < 0) {
        throw new CertsException("--days " + days + ": accepted: 0 or more");
      }
      CertificateStore store = CertificateStore.open(dir);
      Instant now = Instant.now();
      List<CertificateStatus> due = CertificateStatus.due(store, now, Duration.ofDays(days));
      boolean crlMissing = store.crlNextUpdate() == null;
      if (due.isEmpty() && !crlMissing) {
        out.printf("nothing expires within %d days in %s%n", days, dir);
        return 0;
      }
      out.printf("%-7s %-32s %-20s %9s %s%n", "KIND", "NAME", "NOT AFTER", "DAYS LEFT", "STATE");
      for (CertificateStatus s : due) {
        out.printf("%-7s %-32s %-20s %9d %s%n", s.kind(), s.name(),
            s.notAfter().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), s.daysLeft(),
            s.notAfter().isAfter(now) ? "due" : "expired");
      }
      if (crlMissing) {
        // Without a readable CRL a broker with crlfile cannot start or refuses every client certificate.
        out.printf("%-7s %-32s %-20s %9s %s%n", "crl", store.crlFile().getFileName(), "-", "-", "missing");
      }
      err.printf("%d due within %d days: renew with flux certs renew, re-sign the CRL with flux certs crl"
          + " (see docs/certificates.md)%n", due.size() + (crlMissing ? 1 : 0), days);
      return 1;
    }
  }
}
