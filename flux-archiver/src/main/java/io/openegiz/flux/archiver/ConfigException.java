package io.openegiz.flux.archiver;

import java.util.List;

/** Archiver settings that cannot be used; lists every error, each as {@code origin: key: what, accepted}. */
public final class ConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<String> errors;

  ConfigException(List<String> errors) {
    super(String.join("\n", errors));
    this.errors = List.copyOf(errors);
  }

  /** Every error, in the order of the settings. */
  public List<String> errors() {
    return errors;
  }
}
