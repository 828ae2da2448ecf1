package io.openegiz.flux.telemetry;

import java.util.List;
import java.util.stream.Collectors;

/** A payload that is not valid JSON or breaks its schema; lists every violation, each naming its field. */
public final class PayloadException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final transient List<Violation> violations;

  PayloadException(String what, List<Violation> violations) {
    super(what + ": " + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
    this.violations = List.copyOf(violations);
  }

  /** Every violation found, in the order the validator reported them. */
  public List<Violation> violations() {
    return violations;
  }
}
