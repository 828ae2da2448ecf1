package io.openegiz.flux.broker.security;

/** Topic-level permissions, checked on SUBSCRIBE, on PUBLISH and again on delivery. */
public interface Authorizer {

  boolean canPublish(ClientIdentity client, String topic);

  boolean canSubscribe(ClientIdentity client, String filter);

  boolean canReceive(ClientIdentity client, String topic);

  /**
   * Changes whenever the rules change (an ACL reload), so that decisions remembered by {@link AclCache} are dropped;
   * constant for rules that never change.
   */
  default long generation() {
    return 0;
  }

  /** False when every answer is a constant (no ACL): {@link AclCache} then asks directly, with no lookup. */
  default boolean worthCaching() {
    return true;
  }

  /** Allows everything: the behaviour without an ACL file, as Mosquitto. */
  Authorizer ALLOW_ALL = new Authorizer() {
    @Override
    public boolean canPublish(ClientIdentity c, String t) { return true; }
    @Override
    public boolean canSubscribe(ClientIdentity c, String f) { return true; }
    @Override
    public boolean canReceive(ClientIdentity c, String t) { return true; }
    @Override
    public boolean worthCaching() { return false; }
  };
}
