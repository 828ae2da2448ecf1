package io.openegiz.flux.fleet.ota;

/** Bad OTA input (a key, an image, a manifest, an option): the message says what was wrong and what is accepted. */
public final class OtaException extends Exception {
  private static final long serialVersionUID = 1L;

  public OtaException(String message) {
    super(message);
  }

  public OtaException(String message, Throwable cause) {
    super(message, cause);
  }
}
