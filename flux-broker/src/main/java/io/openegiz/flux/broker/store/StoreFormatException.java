package io.openegiz.flux.broker.store;

/**
 * The persistence folder cannot be opened as a Flux store: it is corrupt, belongs to another program,
 * or was written by a newer Flux. Start-up stops; nothing in the folder is changed.
 */
public final class StoreFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreFormatException(String message) {
    super(message);
  }

  public StoreFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
