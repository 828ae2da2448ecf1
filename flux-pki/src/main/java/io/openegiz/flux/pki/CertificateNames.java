package io.openegiz.flux.pki;

import io.openegiz.flux.pki.CertificateStore.CertsException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;

/** Checks the names {@code flux certs} puts in certificates and file names; messages say what is accepted. */
final class CertificateNames {
  /** The device identity of docs/topics.md; it is also a file name, so it must never hold '/' or '..'. */
  private static final Pattern ID = Pattern.compile("[a-z0-9_-]{1,64}");
  // A CA name goes into "CN=..." as text: ',', '=', '+' and quotes would add or change attributes.
  private static final Pattern CA_NAME = Pattern.compile("[A-Za-z0-9 ._-]{1,64}");
  private static final Pattern DNS = Pattern.compile(
      "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");
  private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
  private static final long MAX_DAYS = 36_500;

  /** Subject alternative names of a server certificate. */
  record Sans(List<String> dns, List<String> ips) {}

  private CertificateNames() {}

  static void checkDeviceId(String id) throws CertsException {
    if (!ID.matcher(id).matches()) {
      throw new CertsException("device id \"" + id + "\": not accepted; a device id is 1 to 64 characters of"
          + " a-z, 0-9, '-' and '_' (the device's MQTT username and certificate CN, e.g. esp32-oven001-elec)");
    }
  }

  static void checkServerName(String name) throws CertsException {
    if (!ID.matcher(name).matches() || name.equals("ca")) {
      throw new CertsException("server name \"" + name + "\": not accepted; it names the files NAME.crt and"
          + " NAME.key: 1 to 64 characters of a-z, 0-9, '-' and '_', other than \"ca\"");
    }
  }

  static void checkCaName(String name) throws CertsException {
    if (!CA_NAME.matcher(name).matches()) {
      throw new CertsException("CA name \"" + name + "\": not accepted; 1 to 64 characters of letters, digits,"
          + " space, '.', '-' and '_'");
    }
  }

  static void checkValidity(Duration validity) throws CertsException {
    if (validity.isNegative() || validity.isZero() || validity.toDays() > MAX_DAYS) {
      throw new CertsException("validity of " + validity.toDays() + " days: accepted: 1 to " + MAX_DAYS + " days");
    }
  }

  static void checkSans(List<String> dnsNames, List<String> ips) throws CertsException {
    if (dnsNames.isEmpty() && ips.isEmpty()) {
      throw new CertsException("a server certificate needs at least one --dns NAME or --ip ADDRESS: the names"
          + " clients use to reach the broker");
    }
    for (String d : dnsNames) {
      if (d.length() > 253 || !DNS.matcher(d).matches()) {
        throw new CertsException("--dns \"" + d + "\": not a DNS name; accepted: labels of letters, digits and"
            + " '-' separated by '.', optionally starting with '*.'");
      }
    }
    for (String ip : ips) {
      if (!isIp(ip)) {
        throw new CertsException("--ip \"" + ip + "\": not an IP address; accepted: IPv4 (127.0.0.1) or"
            + " IPv6 (::1), without a mask or a port");
      }
    }
  }

  private static boolean isIp(String ip) {
    var m = IPV4.matcher(ip);
    if (m.matches()) {
      for (int i = 1; i <= 4; i++) {
        if (Integer.parseInt(m.group(i)) > 255) {
          return false;
        }
      }
      return true;
    }
    if (!ip.contains(":") || !IPV6.matcher(ip).matches()) {
      return false;
    }
    try {
      new GeneralName(GeneralName.iPAddress, ip);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The DNS names and IP addresses a certificate names, in order. */
  static Sans sansOf(X509Certificate cert) throws CertsException {
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      Collection<List<?>> all = cert.getSubjectAlternativeNames();
      for (List<?> san : all == null ? List.<List<?>>of() : all) {
        int type = (Integer) san.get(0);
        if (type == GeneralName.dNSName) {
          dns.add((String) san.get(1));
        } else if (type == GeneralName.iPAddress) {
          ips.add((String) san.get(1));
        }
      }
    } catch (CertificateParsingException e) {
      throw new CertsException("cannot read the names of " + cert.getSubjectX500Principal() + ": " + e.getMessage());
    }
    if (dns.isEmpty() && ips.isEmpty()) {
      throw new CertsException(cert.getSubjectX500Principal() + " names no DNS name or IP address;"
          + " issue a new one with: flux certs server --force --dns ... --ip ...");
    }
    return new Sans(dns, ips);
  }
}
