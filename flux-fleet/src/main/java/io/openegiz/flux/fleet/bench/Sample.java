package io.openegiz.flux.fleet.bench;

/**
 * One second of a run: messages per second sent, acknowledged and delivered, and the latency of
 * the messages delivered in that second (microseconds; 0 when none arrived).
 */
public record Sample(int second, boolean warmup, long offered, long sent, long acked, long delivered,
    long p50Micros, long p99Micros, long maxMicros) {
}
