package io.openegiz.flux.telemetry;

/** A topic, or one level of it, that is not part of the OpenEgiz hierarchy; the message says which and why. */
public final class InvalidTopicException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  InvalidTopicException(String message) {
    super(message);
  }
}
