package io.openegiz.flux.broker.metrics;

/** Why a message was not delivered to a subscriber; every drop is counted under one of these. */
public enum DropReason {
  /** The subscriber's queue was at max_queued_messages or max_queued_bytes. */
  QUEUE_FULL,
  /** QoS 0 message for a subscriber that is offline. */
  OFFLINE_QOS0,
  /** The message expired before it could be delivered. */
  EXPIRED,
  /** The PUBLISH would exceed the subscriber's maximum packet size [MQTT-3.1.2-25]. */
  TOO_LARGE_FOR_CLIENT,
  /** The publisher was not allowed to publish to the topic. */
  NOT_AUTHORIZED,
  /**
   * The subscriber's identity was no longer allowed to read the topic when the message was sent
   * (ACL reloaded, or the session taken over by another identity under session_ownership client_id).
   */
  READ_NOT_AUTHORIZED,
  /** The publisher was over a quota: a retained message beyond its retained messages or bytes. */
  QUOTA_EXCEEDED,
  /** Payload larger than message_size_limit. */
  OVERSIZE_PAYLOAD,
  /** The session ended (clean start or expiry) with messages still queued. */
  SESSION_ENDED
}
