package io.openegiz.flux.broker.store;

/**
 * The store could not make a write durable (disk full, I/O error). The write did not happen; the
 * store keeps retrying in the background and accepts writes again once the disk has room.
 */
public final class StoreUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
