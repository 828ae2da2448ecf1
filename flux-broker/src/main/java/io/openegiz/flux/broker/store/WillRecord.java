package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;

/**
 * A delayed will waiting to be published.
 *
 * @param clientId the client whose will it is
 * @param message the will message
 * @param dueAtMillis when it is to be published (clock millis)
 */
public record WillRecord(String clientId, Message message, long dueAtMillis) {}
