package io.openegiz.flux.fleet.bench;

/**
 * Whole-run counts, warm-up and drain included. {@code lost} is what publishers sent minus what
 * each subscriber received, summed over subscribers; {@code gaps} counts the holes it leaves.
 */
public record Totals(long offered, long sent, long acked, long delivered, long duplicates, long lost, long gaps,
    long foreign) {
}
