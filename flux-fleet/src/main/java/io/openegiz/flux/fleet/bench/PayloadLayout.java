package io.openegiz.flux.fleet.bench;

/**
 * Where the generator writes its bookkeeping inside every payload: publisher index, sequence
 * number and send time (System.nanoTime of this process), then filler up to the payload size.
 */
final class PayloadLayout {
  static final int PUBLISHER_OFFSET = 0;
  static final int SEQUENCE_OFFSET = 4;
  static final int TIMESTAMP_OFFSET = 12;
  static final int HEADER_BYTES = 20;

  private PayloadLayout() {
  }
}
