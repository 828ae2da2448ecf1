package io.openegiz.flux.pki;

import io.openegiz.flux.pki.CertificateIndex.Entry;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One line of {@code flux certs list} or {@code flux certs check}: a certificate of the store (or, for
 * {@code check}, the CRL's next update) and whether it needs attention.
 *
 * @param serial the certificate's serial number; null for the CRL
 * @param current false for revoked certificates and for those a renewal replaced: nobody rotates them
 */
public record CertificateStatus(String kind, String name, BigInteger serial, Instant notAfter, long daysLeft,
    State state, boolean current) {

  /** Where a certificate stands; {@code REPLACED} ones were renewed and still work until they expire. */
  public enum State {
    VALID, EXPIRING, EXPIRED, REVOKED, REPLACED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Current certificates (not revoked, not replaced) that expire within the warning period or have. */
  public boolean needsRotation() {
    return current && (state == State.EXPIRING || state == State.EXPIRED);
  }

  /** Current and expiring before {@code now + window}, or expired already. */
  public boolean dueWithin(Instant now, Duration window) {
    return current && notAfter.isBefore(now.plus(window));
  }

  /**
   * What {@code flux certs check} reports: current certificates (CA included) that expire before
   * {@code now + window} or have, then the CRL (kind {@code crl}) if its next update falls in the window
   * too, since after it the broker refuses every client certificate. A missing or unreadable CRL is not
   * listed here: the caller reports it, as it has no date.
   */
  public static List<CertificateStatus> due(CertificateStore store, Instant now, Duration window) {
    List<CertificateStatus> out = new ArrayList<>(of(store, now).stream()
        .filter(s -> s.dueWithin(now, window)).toList());
    Instant next = store.crlNextUpdate();
    if (next != null && next.isBefore(now.plus(window))) {
      out.add(current("crl", store.crlFile().getFileName().toString(), null, next, now));
    }
    return out;
  }

  /** The CA first, then every issued certificate in issue order. */
  public static List<CertificateStatus> of(CertificateStore store, Instant now) {
    List<CertificateStatus> out = new ArrayList<>();
    X509Certificate ca = store.caCertificate();
    out.add(current("ca", ca.getSubjectX500Principal().getName(), ca.getSerialNumber(),
        ca.getNotAfter().toInstant(), now));
    Map<String, Integer> latest = new HashMap<>();
    List<Entry> entries = store.entries();
    for (int i = 0; i < entries.size(); i++) {
      latest.put(entries.get(i).kind() + "/" + entries.get(i).name(), i);
    }
    for (int i = 0; i < entries.size(); i++) {
      Entry e = entries.get(i);
      boolean replaced = latest.get(e.kind() + "/" + e.name()) != i;
      CertificateStatus s = current(e.kind().label(), e.name(), e.serial(), e.notAfter(), now);
      if (e.revoked()) {
        s = s.notCurrent(State.REVOKED);
      } else if (replaced) {
        // An expired predecessor still shows as expired, but is no longer current: nothing to rotate.
        s = s.notCurrent(s.state == State.EXPIRED ? State.EXPIRED : State.REPLACED);
      }
      out.add(s);
    }
    return out;
  }

  private static CertificateStatus current(String kind, String name, BigInteger serial, Instant notAfter,
      Instant now) {
    long days = Duration.between(now, notAfter).toDays();
    State state = !notAfter.isAfter(now)
        ? State.EXPIRED
        : notAfter.isBefore(now.plus(CertificateStore.EXPIRY_WARNING)) ? State.EXPIRING : State.VALID;
    return new CertificateStatus(kind, name, serial, notAfter, days, state, true);
  }

  private CertificateStatus notCurrent(State s) {
    return new CertificateStatus(kind, name, serial, notAfter, daysLeft, s, false);
  }
}
