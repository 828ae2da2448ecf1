package io.openegiz.flux.broker.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Remembers, per user, an HMAC-SHA256 of the password that last verified, under a key that lives only
 * in this process. A memory dump therefore yields nothing crackable offline, and an entry only counts
 * while the user's hash in the file is the one it was verified against.
 */
final class VerifiedCache {
  private record Entry(PasswordHash hash, byte[] mac) {}

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final ThreadLocal<Mac> mac;

  VerifiedCache(SecureRandom random) {
    byte[] key = new byte[32];
    random.nextBytes(key);
    SecretKeySpec spec = new SecretKeySpec(key, "HmacSHA256");
    this.mac = ThreadLocal.withInitial(() -> {
      try {
        Mac m = Mac.getInstance("HmacSHA256");
        m.init(spec);
        return m;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
      }
    });
  }

  boolean contains(String user, PasswordHash current, byte[] password) {
    Entry e = entries.get(user);
    return e != null && e.hash().equals(current) && MessageDigest.isEqual(e.mac(), mac(user, password));
  }

  void put(String user, PasswordHash verifiedAgainst, byte[] password) {
    entries.put(user, new Entry(verifiedAgainst, mac(user, password)));
  }

  /** Drops users that are gone or whose hash changed; the rest stay warm across a reload. */
  void retainCurrent(PasswordFile file) {
    entries.entrySet().removeIf(e -> !e.getValue().hash().equals(file.hash(e.getKey())));
  }

  int size() {
    return entries.size();
  }

  /** The keyed HMAC of user and password: a fast fingerprint that is useless outside this process. */
  byte[] mac(String user, byte[] password) {
    Mac m = mac.get();
    m.update(user.getBytes(StandardCharsets.UTF_8));
    m.update((byte) 0); // user names cannot contain NUL in MQTT, so user and password cannot run together
    return m.doFinal(password);
  }
}
