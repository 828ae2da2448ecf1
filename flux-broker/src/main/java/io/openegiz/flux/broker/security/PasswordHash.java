package io.openegiz.flux.broker.security;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * One hashed password as Mosquitto stores it: {@code $7$ITERATIONS$SALT$HASH} (PBKDF2-HMAC-SHA512) or the
 * legacy {@code $6$SALT$HASH} (SHA-512 of password then salt), salt and hash in standard Base64.
 */
public final class PasswordHash {
  /** Salt length mosquitto_passwd writes (password_mosq.c SALT_LEN); longer salts are read too. */
  public static final int SALT_LENGTH = 12;
  /** Both formats store a full SHA-512 sized hash. */
  public static final int HASH_LENGTH = 64;
  /** The upper bound we accept when reading, so a hostile file cannot make one check take hours. */
  public static final int MAX_ITERATIONS = 10_000_000;

  private final boolean pbkdf2;
  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;
  private final String encoded;

  private PasswordHash(boolean pbkdf2, int iterations, byte[] salt, byte[] hash) {
    this.pbkdf2 = pbkdf2;
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
    Base64.Encoder b64 = Base64.getEncoder();
    this.encoded = (pbkdf2 ? "$7$" + iterations + "$" : "$6$") + b64.encodeToString(salt) + "$"
        + b64.encodeToString(hash);
  }

  /** Hashes {@code password} as {@code $7$} with a fresh random salt, as mosquitto_passwd does. */
  public static PasswordHash create(byte[] password, int iterations, SecureRandom random) {
    if (iterations < 1 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("iterations must be 1.." + MAX_ITERATIONS + ", got " + iterations);
    }
    byte[] salt = new byte[SALT_LENGTH];
    random.nextBytes(salt);
    return new PasswordHash(true, iterations, salt, pbkdf2Sha512(password, salt, iterations));
  }

  /**
   * Reads the part after {@code username:}.
   *
   * @throws IllegalArgumentException with a message that never quotes the text, which may be a password
   */
  public static PasswordHash parse(String text) {
    boolean pbkdf2 = text.startsWith("$7$");
    if (!pbkdf2 && !text.startsWith("$6$")) {
      throw new IllegalArgumentException("password is not hashed");
    }
    String[] parts = text.substring(3).split("\\$", -1);
    if (parts.length != (pbkdf2 ? 3 : 2)) {
      throw new IllegalArgumentException("malformed " + text.substring(0, 3) + " hash: expected "
          + (pbkdf2 ? "$7$ITERATIONS$SALT$HASH" : "$6$SALT$HASH"));
    }
    int iterations = pbkdf2 ? parseIterations(parts[0]) : 0;
    byte[] salt = decode(parts[pbkdf2 ? 1 : 0], "salt");
    byte[] hash = decode(parts[pbkdf2 ? 2 : 1], "hash");
    if (salt.length == 0) {
      throw new IllegalArgumentException("empty salt");
    }
    if (hash.length != HASH_LENGTH) {
      throw new IllegalArgumentException("hash is " + hash.length + " bytes, expected " + HASH_LENGTH);
    }
    return new PasswordHash(pbkdf2, iterations, salt, hash);
  }

  private static int parseIterations(String s) {
    try {
      int n = Integer.parseInt(s);
      if (n >= 1 && n <= MAX_ITERATIONS) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("iteration count must be 1.." + MAX_ITERATIONS);
  }

  private static byte[] decode(String s, String what) {
    try {
      return Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(what + " is not valid Base64");
    }
  }

  /** Whether {@code password} matches; the comparison takes the same time wherever the first difference is. */
  public boolean matches(byte[] password) {
    byte[] computed = compute(password);
    return MessageDigest.isEqual(computed, hash);
  }

  /** Recomputes the hash of {@code password} under this entry's salt and iteration count. */
  byte[] compute(byte[] password) {
    if (pbkdf2) {
      return pbkdf2Sha512(password, salt, iterations);
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-512");
      sha.update(password);
      sha.update(salt);
      return sha.digest();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-512 is part of every JDK", e);
    }
  }

  /**
   * PBKDF2-HMAC-SHA512 for a 64-byte key, i.e. one block. Written out rather than taken from
   * {@code SecretKeyFactory} because MQTT passwords are bytes, not chars, and JCE would re-encode them.
   */
  static byte[] pbkdf2Sha512(byte[] password, byte[] salt, int iterations) {
    try {
      Mac mac = Mac.getInstance("HmacSHA512");
      // HMAC pads short keys with zeros, so a single zero byte is the same key as an empty password,
      // which SecretKeySpec refuses.
      mac.init(new SecretKeySpec(password.length == 0 ? new byte[1] : password, "HmacSHA512"));
      mac.update(salt);
      byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
      byte[] t = u.clone();
      for (int i = 1; i < iterations; i++) {
        u = mac.doFinal(u);
        for (int j = 0; j < t.length; j++) {
          t[j] ^= u[j];
        }
      }
      return t;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA512 is part of every JDK", e);
    }
  }

  /** True for {@code $7$}, false for legacy {@code $6$}. */
  public boolean isPbkdf2() {
    return pbkdf2;
  }

  /** PBKDF2 iteration count; 1 for {@code $6$}, which hashes once. */
  public int iterations() {
    return pbkdf2 ? iterations : 1;
  }

  /** The text as written after {@code username:}. */
  public String encoded() {
    return encoded;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordHash h && h.encoded.equals(encoded);
  }

  @Override
  public int hashCode() {
    return encoded.hashCode();
  }

  /** Shows the algorithm and cost only: the hash itself stays out of logs. */
  @Override
  public String toString() {
    return pbkdf2 ? "$7$" + iterations + "$..." : "$6$...";
  }
}
