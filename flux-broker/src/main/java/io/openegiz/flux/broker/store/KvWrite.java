package io.openegiz.flux.broker.store;

/** One change in a write batch of the key-value layer. */
sealed interface KvWrite {

  /** Sets a key. */
  record Put(byte[] key, byte[] value) implements KvWrite {}

  /** Removes a key. */
  record Delete(byte[] key) implements KvWrite {}

  /** Removes every key in [from, to). */
  record DeleteRange(byte[] from, byte[] to) implements KvWrite {}
}
