package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.security.CertificateIndex.Entry;
import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One line of {@code flux certs list}: a certificate of the store and whether it needs attention. */
public record CertificateStatus(String kind, String name, BigInteger serial, Instant notAfter, long daysLeft,
    State state) {

  /** Where a certificate stands; {@code REPLACED} ones were renewed and still work until they expire. */
  public enum State {
    VALID, EXPIRING, EXPIRED, REVOKED, REPLACED;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Current certificates (not revoked, not replaced) that expire within the warning period or have. */
  public boolean needsRotation() {
    return state == State.EXPIRING || state == State.EXPIRED;
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
        s = s.with(State.REVOKED);
      } else if (replaced && s.state != State.EXPIRED) {
        s = s.with(State.REPLACED);
      }
      out.add(s);
    }
    return out;
  }

  private static CertificateStatus current(String kind, String name, BigInteger serial, Instant notAfter,
      Instant now) {
    long days = Duration.between(now, notAfter).toDays();
    State state = !notAfter.isAfter(now) ? State.EXPIRED
        : notAfter.isBefore(now.plus(CertificateStore.EXPIRY_WARNING)) ? State.EXPIRING : State.VALID;
    return new CertificateStatus(kind, name, serial, notAfter, days, state);
  }

  private CertificateStatus with(State s) {
    return new CertificateStatus(kind, name, serial, notAfter, daysLeft, s);
  }
}
