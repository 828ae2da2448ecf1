package io.openegiz.flux.broker.session;

/**
 * Per-session queue limits.
 *
 * @param maxQueuedMessages messages waiting beyond those in flight
 * @param maxQueuedBytes bytes waiting, each message counted whole (topic, payload and properties:
 *     {@link io.openegiz.flux.broker.message.Message#size}); 0 means no byte limit
 */
public record SessionLimits(int maxQueuedMessages, long maxQueuedBytes) {}
