package io.openegiz.flux.fleet.ota;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;

/**
 * A manifest's bytes and their signature: ECDSA P-256 over SHA-256 of exactly these bytes, DER-encoded (the JDK's
 * {@code SHA256withECDSA}, what {@code openssl dgst -sha256 -sign} writes and mbedTLS's {@code mbedtls_pk_verify}
 * checks on the device). Stored beside the image as {@code IMAGE.manifest.json} and {@code IMAGE.manifest.sig}
 * (the signature in base64, one line).
 */
public record SignedManifest(Manifest manifest, byte[] bytes, byte[] signature) {
  /** The manifest file's suffix. */
  public static final String MANIFEST_SUFFIX = ".manifest.json";
  /** The signature file's suffix. */
  public static final String SIGNATURE_SUFFIX = ".manifest.sig";
  private static final String ALGORITHM = "SHA256withECDSA";

  /** Signs {@code manifest}'s bytes with {@code key}. */
  public static SignedManifest sign(Manifest manifest, PrivateKey key) {
    byte[] bytes = manifest.bytes();
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(bytes);
      return new SignedManifest(manifest, bytes, s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot sign with an EC P-256 key: " + e.getMessage(), e);
    }
  }

  /** Whether the signature verifies with {@code key}, as the device checks it. */
  public boolean verifies(PublicKey key) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(bytes);
      return s.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  /** The signature in base64, as the {@code ota} command carries it. */
  public String signatureBase64() {
    return Base64.getEncoder().encodeToString(signature);
  }

  /** The manifest bytes in base64, as the {@code ota} command carries them (byte for byte what was signed). */
  public String manifestBase64() {
    return Base64.getEncoder().encodeToString(bytes);
  }

  /** Writes {@code image.manifest.json} and {@code image.manifest.sig}; returns the manifest file. */
  public Path writeBeside(Path image) throws OtaException {
    Path m = Path.of(image + MANIFEST_SUFFIX);
    try {
      Files.write(m, bytes);
      Files.writeString(Path.of(image + SIGNATURE_SUFFIX), signatureBase64() + "\n");
      return m;
    } catch (IOException e) {
      throw new OtaException(m + ": cannot write: " + e.getMessage(), e);
    }
  }

  /** Reads a manifest file and the signature file beside it ({@code X.manifest.json}, {@code X.manifest.sig}). */
  public static SignedManifest read(Path manifestFile) throws OtaException {
    String name = manifestFile.toString();
    if (!name.endsWith(MANIFEST_SUFFIX)) {
      throw new OtaException("--manifest: " + manifestFile + " does not end in " + MANIFEST_SUFFIX
          + "; accepted: the IMAGE" + MANIFEST_SUFFIX + " that flux ota sign wrote");
    }
    Path sigFile = Path.of(name.substring(0, name.length() - MANIFEST_SUFFIX.length()) + SIGNATURE_SUFFIX);
    try {
      byte[] bytes = Files.readAllBytes(manifestFile);
      byte[] sig;
      try {
        sig = Base64.getDecoder().decode(Files.readString(sigFile, StandardCharsets.US_ASCII).strip());
      } catch (IllegalArgumentException e) {
        throw new OtaException(sigFile + ": not base64; accepted: the signature file flux ota sign wrote");
      }
      return new SignedManifest(Manifest.parse(bytes, manifestFile.toString()), bytes, sig);
    } catch (NoSuchFileException e) {
      throw new OtaException(e.getFile() + ": no such file; flux ota sign writes IMAGE" + MANIFEST_SUFFIX
          + " and IMAGE" + SIGNATURE_SUFFIX + " beside the image");
    } catch (IOException e) {
      throw new OtaException(manifestFile + ": cannot read: " + e.getMessage(), e);
    }
  }
}
