package io.openegiz.flux.broker.security;

import io.openegiz.flux.broker.message.Topics;

/**
 * Refuses every client PUBLISH and will to {@code $SYS} topics, whatever the ACL says: those are the
 * broker's figures, and a retained one written by a client would pass for the broker's own. Mosquitto
 * drops such publishes too. Reading is left to the ACL.
 */
final class SysWriteGuard implements Authorizer {
  private final Authorizer acl;

  SysWriteGuard(Authorizer acl) {
    this.acl = acl;
  }

  @Override
  public boolean canPublish(ClientIdentity client, String topic) {
    return !Topics.isSys(topic) && acl.canPublish(client, topic);
  }

  @Override
  public boolean canSubscribe(ClientIdentity client, String filter) {
    return acl.canSubscribe(client, filter);
  }

  @Override
  public boolean canReceive(ClientIdentity client, String topic) {
    return acl.canReceive(client, topic);
  }

  /** The ACL's: decisions remembered by {@link AclCache} must be dropped when it reloads. */
  @Override
  public long generation() {
    return acl.generation();
  }

  /** The ACL's: without one, the $SYS check alone is cheaper than a lookup. */
  @Override
  public boolean worthCaching() {
    return acl.worthCaching();
  }
}
