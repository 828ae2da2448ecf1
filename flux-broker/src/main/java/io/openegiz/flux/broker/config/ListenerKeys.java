package io.openegiz.flux.broker.config;

import io.openegiz.flux.broker.config.ConfigParser.Declared;
import io.openegiz.flux.broker.config.ConfigParser.Directive;
import io.openegiz.flux.broker.config.ConfigParser.Key;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Keys that belong to one listener (TLS and {@code max_connections}, with Mosquitto's names, and Flux's
 * {@code allow_plain_listener}):
 * each applies to the listener declared last before it, or to the default listener before any.
 */
final class ListenerKeys {
  private ListenerKeys() {}

  /** What the per-listener keys said for one listener, with the line of each for messages. */
  static final class Settings {
    Directive certfile;
    Directive keyfile;
    Directive cafile;
    Directive crlfile;
    Directive tlsVersion;
    Directive ciphersTls13;
    Directive ciphers;
    Directive requireCertificate;
    Directive useIdentity;
    Directive useSubject;
    Directive allowPlain;
    /** Not a TLS key: Mosquitto's max_connections, already validated. */
    Integer maxConnections;

    Directive anyTls() {
      for (Directive d : new Directive[] {certfile, keyfile, cafile, crlfile, tlsVersion, ciphersTls13, ciphers,
          requireCertificate, useIdentity, useSubject}) {
        if (d != null) return d;
      }
      return null;
    }
  }

  private static final String FILE = "a path to a readable PEM file";

  static void register(Map<String, Key> k) {
    k.put("certfile", file((st, d) -> st.certfile = d));
    k.put("keyfile", file((st, d) -> st.keyfile = d));
    k.put("cafile", file((st, d) -> st.cafile = d));
    k.put("crlfile", file((st, d) -> st.crlfile = d));
    k.put("tls_version", new Key("tlsv1.3 (TLS 1.3 only, the default) or tlsv1.2 (TLS 1.2 and 1.3)", 1, 1,
        (s, d) -> {
          String v = d.args().get(0);
          if (v.equals("tlsv1.3") || v.equals("tlsv1.2")) {
            s.currentListener().tlsVersion = d;
          } else {
            s.error(d, ConfigParser.quote(v)
                + (v.startsWith("tlsv1") ? " is an insecure TLS version" : " is not a TLS version"));
          }
        }));
    k.put("ciphers_tls1.3", new Key("TLS 1.3 cipher suites separated by ':', e.g."
        + " TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256", 1, 1,
        (s, d) -> s.currentListener().ciphersTls13 = d));
    k.put("ciphers", new Key("TLS 1.2 cipher suites separated by ':' (IANA names)", 1, 1,
        (s, d) -> s.currentListener().ciphers = d));
    k.put("require_certificate", flag((st, d) -> st.requireCertificate = d));
    k.put("use_identity_as_username", flag((st, d) -> st.useIdentity = d));
    k.put("use_subject_as_username", flag((st, d) -> st.useSubject = d));
    k.put("allow_plain_listener", flag((st, d) -> st.allowPlain = d));
    k.put("max_connections", new Key("-1 (unlimited, the default) or an integer from 1 to 10000000", 1, 1, (s, d) -> {
      Long n = s.number(d, d.args().get(0), -1, 10_000_000);
      if (n != null && n == 0) {
        s.error(d, "0 would refuse every client");
      } else if (n != null) {
        s.currentListener().maxConnections = n.intValue();
      }
    }));
  }

  private static Key file(BiConsumer<Settings, Directive> set) {
    return new Key(FILE, 1, Integer.MAX_VALUE, (s, d) -> {
      if (s.readableFile(d) != null) {
        set.accept(s.currentListener(), d);
      }
    });
  }

  private static Key flag(BiConsumer<Settings, Directive> set) {
    return new Key("true or false", 1, 1, (s, d) -> {
      String v = d.args().get(0);
      if (v.equals("true") || v.equals("false")) {
        set.accept(s.currentListener(), d);
      } else {
        s.error(d, ConfigParser.quote(v) + " is not true or false");
      }
    });
  }

  private static boolean isTrue(Directive d) {
    return d != null && d.args().get(0).equals("true");
  }

  /** Checks each listener's keys together and returns the listeners with their TLS settings. */
  static List<Declared> finish(ParseState s, List<Declared> declared) {
    List<Declared> out = new ArrayList<>();
    for (Declared dl : declared) {
      Settings st = dl.settings();
      ListenerConfig l = dl.listener();
      TlsConfig tls = tls(s, st);
      if (tls == null && st.anyTls() == null && !l.loopbackOnly() && !isTrue(st.allowPlain)) {
        s.report(l.source(), dl.key(), "plain MQTT on " + l.bindAddress() + ", which is not loopback, would send"
            + " passwords and data unencrypted; accepted: certfile and keyfile after this line for TLS, or"
            + " \"allow_plain_listener true\" after it to accept the risk");
      }
      int max = st.maxConnections == null ? ListenerConfig.UNLIMITED : st.maxConnections;
      out.add(new Declared(new ListenerConfig(l.port(), l.bindAddress(), l.source(), tls, isTrue(st.allowPlain), max),
          dl.key(), st));
    }
    return out;
  }

  private static TlsConfig tls(ParseState s, Settings st) {
    Directive any = st.anyTls();
    if (any == null) {
      return null;
    }
    boolean ok = true;
    if (st.certfile == null || st.keyfile == null) {
      s.report(any.where(), any.key(), "TLS on this listener needs both certfile and keyfile; accepted: add the"
          + " missing one after the listener line");
      ok = false;
    }
    boolean require = isTrue(st.requireCertificate);
    if (require && st.cafile == null) {
      s.report(st.requireCertificate.where(), "require_certificate", "true needs a cafile to check client"
          + " certificates against; accepted: add cafile");
      ok = false;
    }
    boolean identity = isTrue(st.useIdentity);
    boolean subject = isTrue(st.useSubject);
    Directive idKey = identity ? st.useIdentity : st.useSubject;
    if ((identity || subject) && !require) {
      s.report(idKey.where(), idKey.key(), "true needs require_certificate true (no certificate, no identity)");
      ok = false;
    }
    if (identity && subject) {
      s.report(st.useSubject.where(), "use_subject_as_username", "cannot be combined with"
          + " use_identity_as_username; accepted: one of the two");
      ok = false;
    }
    if (!ok) {
      return null;
    }
    List<String> protocols = st.tlsVersion != null && st.tlsVersion.args().get(0).equals("tlsv1.2")
        ? List.of("TLSv1.3", "TLSv1.2")
        : List.of("TLSv1.3");
    return new TlsConfig(path(st.certfile), path(st.keyfile), path(st.cafile), path(st.crlfile), protocols,
        arg(st.ciphersTls13), arg(st.ciphers), require, identity, subject);
  }

  private static Path path(Directive d) {
    return d == null ? null : Path.of(d.rest());
  }

  private static String arg(Directive d) {
    return d == null ? null : d.args().get(0);
  }
}
