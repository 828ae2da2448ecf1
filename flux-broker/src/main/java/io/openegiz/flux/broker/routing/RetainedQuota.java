package io.openegiz.flux.broker.routing;

import java.util.HashMap;
import java.util.Map;
import io.openegiz.flux.broker.message.Message;

/**
 * Who set each retained message, and how many messages and bytes ({@link Message#size}) that makes,
 * in total and per identity (issue 8, item 3). Consulted by the publish path before a retained
 * message reaches the {@link io.openegiz.flux.broker.routing.RetainedStore}; it holds no message, only
 * a topic's owner and size. Thread-safe: one short lock per retained PUBLISH, none for other messages.
 *
 * <p>Only growth is refused: clearing a topic (empty payload) is always allowed and frees its quota;
 * an identity replacing a topic it set never adds a message, and a replacement no larger than the
 * old one is always allowed. Setting a topic another identity set counts as a new message for the
 * new owner and frees the old owner's share.
 */
public final class RetainedQuota {
  /** The owner of retained messages recovered from the store, which does not record who set them. */
  public static final String RESTORED = "\0\0restored";

  /** Which limit a retained PUBLISH would exceed, named by its configuration key. */
  public enum Refusal {
    NONE(""), TOTAL_MESSAGES("max_retained_messages"), TOTAL_BYTES("max_retained_bytes"), IDENTITY_MESSAGES(
        "max_retained_messages_per_identity"), IDENTITY_BYTES("max_retained_bytes_per_identity");

    private final String key;

    Refusal(String key) {
      this.key = key;
    }

    /** The configuration key of the limit. */
    public String key() {
      return key;
    }
  }

  private record Entry(String owner, long size) {}

  private static final class Usage {
    int messages;
    long bytes;
  }

  private final int maxMessages;
  private final long maxBytes;
  private final Map<String, Entry> byTopic = new HashMap<>();
  private final Map<String, Usage> byOwner = new HashMap<>();
  private int messages;
  private long bytes;

  /** Broker-wide limits; 0 means no limit. */
  public RetainedQuota(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /**
   * Records a retained PUBLISH by {@code owner} (see {@code ClientIdentity.quotaOwner()}) if it stays
   * within the limits, else changes nothing and says which limit it would exceed. An empty payload
   * clears the topic and is always admitted. {@code ownerMaxMessages}/{@code ownerMaxBytes}: the
   * identity's limits, 0 for none.
   */
  public synchronized Refusal admit(String owner, Message m, int ownerMaxMessages, long ownerMaxBytes) {
    Entry old = byTopic.get(m.topic());
    if (m.payload().length == 0) {
      if (old != null) {
        remove(m.topic(), old);
      }
      return Refusal.NONE;
    }
    boolean own = old != null && old.owner().equals(owner);
    long freed = old == null ? 0 : old.size();
    Usage u = byOwner.get(owner);
    int ownerMessages = u == null ? 0 : u.messages;
    long ownerBytes = u == null ? 0 : u.bytes;
    long newOwnerBytes = ownerBytes - (own ? freed : 0) + m.size();
    if (old == null && maxMessages > 0 && messages >= maxMessages) {
      return Refusal.TOTAL_MESSAGES;
    }
    if (maxBytes > 0 && m.size() > freed && bytes - freed + m.size() > maxBytes) {
      return Refusal.TOTAL_BYTES;
    }
    if (!own && ownerMaxMessages > 0 && ownerMessages >= ownerMaxMessages) {
      return Refusal.IDENTITY_MESSAGES;
    }
    if (ownerMaxBytes > 0 && newOwnerBytes > ownerBytes && newOwnerBytes > ownerMaxBytes) {
      return Refusal.IDENTITY_BYTES;
    }
    if (old != null) {
      remove(m.topic(), old);
    }
    add(m.topic(), owner, m.size());
    return Refusal.NONE;
  }

  /** Counts a retained message recovered from the store at start-up, against {@link #RESTORED}. */
  public synchronized void restored(Message m) {
    Entry old = byTopic.get(m.topic());
    if (old != null) {
      remove(m.topic(), old);
    }
    if (m.payload().length > 0) {
      add(m.topic(), RESTORED, m.size());
    }
  }

  /** Retained messages counted. */
  public synchronized int messages() {
    return messages;
  }

  /** Bytes of the retained messages counted. */
  public synchronized long bytes() {
    return bytes;
  }

  /** Retained messages an owner set. */
  public synchronized int messagesOf(String owner) {
    Usage u = byOwner.get(owner);
    return u == null ? 0 : u.messages;
  }

  private void add(String topic, String owner, long size) {
    byTopic.put(topic, new Entry(owner, size));
    Usage u = byOwner.computeIfAbsent(owner, k -> new Usage());
    u.messages++;
    u.bytes += size;
    messages++;
    bytes += size;
  }

  private void remove(String topic, Entry e) {
    byTopic.remove(topic);
    Usage u = byOwner.get(e.owner());
    if (--u.messages == 0) {
      byOwner.remove(e.owner());
    } else {
      u.bytes -= e.size();
    }
    messages--;
    bytes -= e.size();
  }
}
