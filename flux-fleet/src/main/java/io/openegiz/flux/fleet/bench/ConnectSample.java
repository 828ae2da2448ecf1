package io.openegiz.flux.fleet.bench;

/** One second of a connection scenario: clients connected so far, failures so far, p99 of that second. */
public record ConnectSample(int second, String phase, long connected, long failed, long p99Micros) {
}
