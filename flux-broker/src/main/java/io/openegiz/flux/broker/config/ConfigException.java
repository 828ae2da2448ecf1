package io.openegiz.flux.broker.config;

import java.util.List;

/**
 * The configuration cannot be used; the message lists every problem found, one per line, each as
 * {@code file:line: key: what is wrong; accepted: ...}.
 */
public final class ConfigException extends Exception {

  private final List<String> errors;

  public ConfigException(List<String> errors) {
    super(String.join(System.lineSeparator(), errors));
    this.errors = List.copyOf(errors);
  }

  /** Every problem found, in file order; never empty. */
  public List<String> errors() {
    return errors;
  }
}
