package io.openegiz.flux.fleet.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The OTA signing key pair (SEC-8): ECDSA P-256 made with the JDK's own provider, written as PEM (PKCS#8
 * private key readable only by its owner, X.509 SubjectPublicKeyInfo public key), the forms openssl and mbedTLS
 * read. The private key stays on the operator's machine; the public key is built into the firmware.
 */
public final class OtaKeys {
  /** The private key's file name in a key directory. */
  public static final String PRIVATE_FILE = "ota-signing.key";
  /** The public key's file name in a key directory. */
  public static final String PUBLIC_FILE = "ota-signing.pub";
  private static final String PRIVATE_LABEL = "PRIVATE KEY";
  private static final String PUBLIC_LABEL = "PUBLIC KEY";
  private static final int P256_BITS = 256;

  private OtaKeys() {}

  /** Both files of a new key pair. */
  public record Written(Path privateKey, Path publicKey) {
  }

  /** Makes a P-256 key pair in {@code dir} (created if missing); refuses to overwrite an existing key. */
  public static Written generate(Path dir) throws OtaException {
    Path priv = dir.resolve(PRIVATE_FILE);
    Path pub = dir.resolve(PUBLIC_FILE);
    try {
      Files.createDirectories(dir);
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = g.generateKeyPair();
      Files.write(priv, new byte[0], StandardOpenOption.CREATE_NEW);
      Files.setPosixFilePermissions(priv, PosixFilePermissions.fromString("rw-------"));
      Files.writeString(priv, pem(PRIVATE_LABEL, pair.getPrivate().getEncoded()));
      Files.writeString(pub, pem(PUBLIC_LABEL, pair.getPublic().getEncoded()));
      return new Written(priv, pub);
    } catch (FileAlreadyExistsException e) {
      throw new OtaException(priv + ": exists; a signing key is never overwritten (devices trust its public key):"
          + " choose another --dir, or move the old key away first (docs/ota.md, \"Key rotation\")");
    } catch (IOException e) {
      throw new OtaException(dir + ": cannot write the key pair: " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no EC P-256", e);
    }
  }

  /** Reads a PKCS#8 PEM EC P-256 private key, as {@link #generate} and {@code openssl genpkey} write it. */
  public static PrivateKey readPrivate(Path file) throws OtaException {
    byte[] der = read(file, PRIVATE_LABEL, "a PKCS#8 PEM EC P-256 private key (flux ota keygen)");
    try {
      return p256(file, KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der)));
    } catch (GeneralSecurityException e) {
      throw new OtaException(file + ": not an EC private key (" + e.getMessage()
          + "); accepted: a PKCS#8 PEM EC P-256 private key (flux ota keygen)", e);
    }
  }

  /** Reads an X.509 PEM EC P-256 public key, as {@link #generate} and {@code openssl pkey -pubout} write it. */
  public static PublicKey readPublic(Path file) throws OtaException {
    byte[] der = read(file, PUBLIC_LABEL, "a PEM EC P-256 public key (flux ota keygen)");
    try {
      return p256(file, KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der)));
    } catch (GeneralSecurityException e) {
      throw new OtaException(file + ": not an EC public key (" + e.getMessage()
          + "); accepted: a PEM EC P-256 public key (flux ota keygen)", e);
    }
  }

  private static <K extends Key> K p256(Path file, K key) throws OtaException {
    int bits = key instanceof ECKey ec ? ec.getParams().getCurve().getField().getFieldSize() : 0;
    if (bits != P256_BITS) {
      throw new OtaException(file + ": an EC key of " + bits + " bits; accepted: EC P-256 only (what the devices"
          + " verify)");
    }
    return key;
  }

  private static byte[] read(Path file, String label, String accepted) throws OtaException {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new OtaException(file + ": no such file; accepted: " + accepted);
    } catch (IOException e) {
      throw new OtaException(file + ": cannot read: " + e.getMessage() + "; accepted: " + accepted, e);
    }
    String begin = "-----BEGIN " + label + "-----";
    String end = "-----END " + label + "-----";
    int from = text.indexOf(begin);
    int to = text.indexOf(end);
    if (from < 0 || to < from) {
      throw new OtaException(file + ": no \"" + begin + "\" block; accepted: " + accepted);
    }
    try {
      return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new OtaException(file + ": broken base64 in the PEM block; accepted: " + accepted, e);
    }
  }

  static String pem(String label, byte[] der) {
    String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
  }
}
