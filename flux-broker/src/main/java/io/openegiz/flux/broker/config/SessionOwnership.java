package io.openegiz.flux.broker.config;

/** Who may resume or take over a session (session_ownership). */
public enum SessionOwnership {
  /**
   * Only the identity (username or certificate identity) that created it: a CONNECT from another
   * identity with its client id is refused (0x85) and the session, online or not, is left as it is.
   */
  IDENTITY,
  /**
   * Whoever presents its client id, as in Mosquitto; queued and redelivered messages are still checked
   * against the new identity's read ACL when they are sent.
   */
  CLIENT_ID
}
