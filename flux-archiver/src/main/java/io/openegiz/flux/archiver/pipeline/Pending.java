package io.openegiz.flux.archiver.pipeline;

import java.util.List;

/**
 * One MQTT message between receipt and acknowledgement.
 *
 * @param topic     the MQTT topic
 * @param payload   the raw payload, for the dead letters
 * @param lines     its points as line protocol; empty when it is rejected or not archived
 * @param rejection why it cannot be archived (for the dead letters), or {@code null}
 * @param ack       sends its PUBACK
 * @param permits   in-flight permits it holds
 * @param receivedNanos when it was received ({@link System#nanoTime}), for the archiver's lag
 */
record Pending(String topic, byte[] payload, List<String> lines, String rejection, Runnable ack, int permits,
    long receivedNanos) {
}
