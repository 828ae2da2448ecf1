package io.openegiz.flux.broker.store;

import java.nio.file.FileSystemException;

/**
 * The disk under the store has no space left (ENOSPC, RocksDB's {@code NoSpace}). A type of its own so
 * that who answers a client (MQTT 5's 0x97 quota exceeded instead of 0x80) never reads error text.
 */
public final class DiskFullException extends FileSystemException {
  private static final long serialVersionUID = 1L;

  public DiskFullException(String file, String reason, Throwable cause) {
    super(file, null, reason);
    initCause(cause);
  }

  /** True when {@code failure} or one of its causes is a full disk. */
  public static boolean in(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DiskFullException) {
        return true;
      }
    }
    return false;
  }
}
