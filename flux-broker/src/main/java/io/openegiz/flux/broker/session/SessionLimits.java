package io.openegiz.flux.broker.session;

/**
 * Per-session queue limits.
 *
 * @param maxQueuedMessages messages waiting beyond those in flight
 * @param maxQueuedBytes payload bytes waiting; 0 means no byte limit
 */
public record SessionLimits(int maxQueuedMessages, long maxQueuedBytes) {}
