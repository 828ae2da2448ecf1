package io.openegiz.flux.pki;

import io.openegiz.flux.pki.CertificateAuthority.Issued;
import io.openegiz.flux.pki.CertificateAuthority.KeyType;
import io.openegiz.flux.pki.CertificateIndex.Entry;
import io.openegiz.flux.pki.CertificateIndex.Kind;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A directory holding an internal CA and what it issued (what {@code flux certs} manages): {@code ca.crt},
 * {@code ca.key}, {@code ca.crl}, {@code index.txt}, server certificates as {@code NAME.crt}/{@code NAME.key}
 * and device certificates as {@code devices/ID.crt}/{@code devices/ID.key}.
 */
public final class CertificateStore {
  public static final Duration DEFAULT_CA_VALIDITY = Duration.ofDays(3650);
  /** SEC-7: certificates are rotated every 90 days. */
  public static final Duration DEFAULT_LEAF_VALIDITY = Duration.ofDays(90);
  /**
   * Brokers refuse every client certificate once the CRL's nextUpdate has passed (OpenSSL and the JDK
   * alike), so the CRL lives long and is re-signed by every revocation and by {@code flux certs crl}.
   */
  public static final Duration CRL_VALIDITY = Duration.ofDays(365);
  public static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  /** A certificate and key written to disk. */
  public record Written(Path certFile, Path keyFile, X509Certificate certificate) {}

  /** An operation that cannot be done; the message says what was wrong and what is accepted. */
  public static final class CertsException extends Exception {
    public CertsException(String message) {
      super(message);
    }
  }

  private final Path dir;
  private final CertificateAuthority ca;
  private final CertificateIndex index;

  private CertificateStore(Path dir, CertificateAuthority ca, CertificateIndex index) {
    this.dir = dir;
    this.ca = ca;
    this.index = index;
  }

  /** Makes a new CA in {@code dir}, with an empty index and CRL; an existing CA is replaced only if forced. */
  public static CertificateStore create(Path dir, String name, KeyType type, Duration validity, boolean force)
      throws CertsException {
    CertificateNames.checkCaName(name);
    CertificateNames.checkValidity(validity);
    Path caFile = dir.resolve("ca.crt");
    if (!force && (Files.exists(caFile) || Files.exists(dir.resolve("ca.key")))) {
      throw new CertsException(caFile + " already exists; a new CA invalidates every certificate the old one"
          + " issued. Use --force to replace it.");
    }
    CertificateStore store = new CertificateStore(dir, CertificateAuthority.create(name, type, validity),
        CertificateIndex.empty());
    try {
      Files.createDirectories(dir);
      store.writePair(store.ca.ca(), caFile, dir.resolve("ca.key"));
      store.index.write(store.indexFile());
      store.writeCrl();
    } catch (IOException e) {
      throw new CertsException(dir + ": cannot write the CA: " + e.getMessage());
    }
    return store;
  }

  /** Opens the CA in {@code dir} made by {@link #create} (or by openssl, without an index). */
  public static CertificateStore open(Path dir) throws CertsException {
    Path caFile = dir.resolve("ca.crt");
    if (!Files.exists(caFile)) {
      throw new CertsException(caFile + ": no CA here; make one with: flux certs ca --dir " + dir);
    }
    try {
      return new CertificateStore(dir, CertificateAuthority.load(caFile, dir.resolve("ca.key")),
          CertificateIndex.read(dir.resolve("index.txt")));
    } catch (IOException e) {
      throw new CertsException(e.getMessage());
    }
  }

  public X509Certificate caCertificate() {
    return ca.ca().certificate();
  }

  public Path caFile() {
    return dir.resolve("ca.crt");
  }

  public Path crlFile() {
    return dir.resolve("ca.crl");
  }

  public Path indexFile() {
    return dir.resolve("index.txt");
  }

  public Path certFile(Kind kind, String name) {
    return kind == Kind.SERVER ? dir.resolve(name + ".crt") : dir.resolve("devices").resolve(name + ".crt");
  }

  public Path keyFile(Kind kind, String name) {
    return kind == Kind.SERVER ? dir.resolve(name + ".key") : dir.resolve("devices").resolve(name + ".key");
  }

  public List<Entry> entries() {
    return index.entries();
  }

  /** Issues a server certificate for the DNS names and IP addresses; its CN is the first of them. */
  public Written server(String name, List<String> dnsNames, List<String> ips, KeyType type, Duration validity,
      boolean force) throws CertsException {
    CertificateNames.checkServerName(name);
    CertificateNames.checkSans(dnsNames, ips);
    checkFree(Kind.SERVER, name, force);
    String cn = dnsNames.isEmpty() ? ips.get(0) : dnsNames.get(0);
    return record(Kind.SERVER, name, ca.server(cn, dnsNames, ips, type, checkLeaf(validity)));
  }

  /** Issues a device certificate whose CN is the device identity. */
  public Written device(String id, KeyType type, Duration validity, boolean force) throws CertsException {
    CertificateNames.checkDeviceId(id);
    checkFree(Kind.DEVICE, id, force);
    return record(Kind.DEVICE, id, ca.client(id, type, checkLeaf(validity)));
  }

  /**
   * A new key and certificate for something issued before, with the same key type, CN and names. The
   * previous certificate is not revoked: it keeps working until it expires, while the new one is rolled out.
   */
  public Written renew(Kind kind, String name, Duration validity) throws CertsException {
    if (index.latest(kind, name).isEmpty()) {
      throw new CertsException("no " + kind.label() + " \"" + name + "\" was issued from " + caFile()
          + " (see flux certs list); issue it with: flux certs " + kind.label());
    }
    Path certFile = certFile(kind, name);
    X509Certificate old;
    try {
      old = Pem.certificate(certFile);
    } catch (IOException e) {
      throw new CertsException("cannot renew " + name + ": " + e.getMessage());
    }
    KeyType type = CertificateAuthority.keyTypeOf(old);
    Duration v = checkLeaf(validity);
    if (kind == Kind.DEVICE) {
      return record(kind, name, ca.client(name, type, v));
    }
    CertificateNames.Sans sans = CertificateNames.sansOf(old);
    String cn = sans.dns().isEmpty() ? sans.ips().get(0) : sans.dns().get(0);
    return record(kind, name, ca.server(cn, sans.dns(), sans.ips(), type, v));
  }

  /**
   * Revokes every certificate issued for each name and re-signs the CRL with all revocations so far.
   * Unknown names fail the whole call before anything is written; returns the newly revoked entries.
   */
  public List<Entry> revoke(Kind kind, List<String> names) throws CertsException {
    for (String name : names) {
      if (index.latest(kind, name).isEmpty()) {
        throw new CertsException("no " + kind.label() + " \"" + name + "\" was issued from " + caFile()
            + " (see flux certs list); nothing was revoked");
      }
    }
    Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    List<Entry> done = new ArrayList<>();
    for (String name : names) {
      done.addAll(index.revoke(kind, name, now));
    }
    try {
      index.write(indexFile());
      writeCrl();
    } catch (IOException e) {
      throw new CertsException("cannot write the revocation: " + e.getMessage());
    }
    return done;
  }

  /** Re-signs the CRL with every revocation in the index, valid for {@link #CRL_VALIDITY}. */
  public X509CRL writeCrl() throws IOException {
    Map<BigInteger, Instant> revoked = new LinkedHashMap<>();
    index.entries().stream().filter(Entry::revoked).forEach(e -> revoked.put(e.serial(), e.revokedAt()));
    X509CRL crl = ca.crl(revoked, CRL_VALIDITY);
    PemFiles.write(crlFile(), Pem.text(crl), false);
    return crl;
  }

  /** The current CRL's nextUpdate, or null without a readable CRL. */
  public Instant crlNextUpdate() {
    try {
      X509CRL crl = Pem.crls(crlFile()).get(0);
      return crl.getNextUpdate() == null ? null : crl.getNextUpdate().toInstant();
    } catch (Pem.PemException e) {
      return null;
    }
  }

  private void checkFree(Kind kind, String name, boolean force) throws CertsException {
    Path cert = certFile(kind, name);
    if (!force && (Files.exists(cert) || Files.exists(keyFile(kind, name)))) {
      throw new CertsException(cert + " already exists; to rotate it use: flux certs renew"
          + (kind == Kind.SERVER ? " --server " : " ") + name + " (or --force to overwrite it)");
    }
  }

  private Duration checkLeaf(Duration validity) throws CertsException {
    CertificateNames.checkValidity(validity);
    Instant caEnd = caCertificate().getNotAfter().toInstant();
    if (Instant.now().plus(validity).isAfter(caEnd)) {
      long max = Duration.between(Instant.now(), caEnd).toDays();
      throw new CertsException("a certificate valid " + validity.toDays() + " days would outlive the CA, which"
          + " expires " + caEnd + "; accepted: --days up to " + max + ", or make a new CA");
    }
    return validity;
  }

  private Written record(Kind kind, String name, Issued issued) throws CertsException {
    Path cert = certFile(kind, name);
    Path key = keyFile(kind, name);
    try {
      Files.createDirectories(cert.getParent());
      writePair(issued, cert, key);
      X509Certificate c = issued.certificate();
      index.add(new Entry(kind, name, c.getSerialNumber(), c.getNotAfter().toInstant(), null));
      index.write(indexFile());
    } catch (IOException e) {
      throw new CertsException("cannot write " + cert + ": " + e.getMessage());
    }
    return new Written(cert, key, issued.certificate());
  }

  // Key first: a broker watching both files then sees at worst a new key with the old certificate for a
  // moment, fails that one reload, keeps its material, and reloads again when the certificate lands.
  private void writePair(Issued issued, Path cert, Path key) throws IOException {
    PemFiles.write(key, Pem.text(issued.key()), true);
    PemFiles.write(cert, Pem.text(issued.certificate()), false);
  }
}
