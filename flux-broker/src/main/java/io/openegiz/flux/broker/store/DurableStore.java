package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durable store's domain API: sessions, their queues and in-flight state, inbound QoS 2 ids,
 * retained messages and delayed wills. Every method is thread-safe and returns at once; disk work
 * happens on one writer thread. A future of a durable write (enqueue, session, retained, will, QoS 2
 * state) completes after an fsync under group commit and fails with {@link StoreUnavailableException}
 * when the disk does; acknowledgements and removals of sessions and wills complete after the write
 * (synced lazily) and are retried until it succeeds. See docs/durability.md.
 */
public final class DurableStore implements AutoCloseable {
  private final KvStore kv;
  private final GroupCommitWriter writer;
  private final StoreStats stats = new StoreStats();
  private final QueueIndex index = new QueueIndex();
  private final AtomicLong nextId = new AtomicLong(-1);

  DurableStore(KvStore kv, StoreOptions options) {
    this.kv = kv;
    this.writer = new GroupCommitWriter(kv, options, stats);
  }

  /**
   * Opens (or creates) the store in {@code options.directory()}; the one place that picks RocksDB.
   *
   * @throws StoreFormatException when the folder is corrupt, not a Flux store, or of a newer format
   */
  public static DurableStore open(StoreOptions options) {
    return new DurableStore(RocksKvStore.open(options.directory()), options);
  }

  /** Reads everything stored; call once, before any write. */
  public synchronized RecoveredState recover() {
    if (nextId.get() >= 0) {
      throw new IllegalStateException("recover() runs once, at start-up");
    }
    try {
      StoreRecovery.Result r = StoreRecovery.run(kv, index);
      nextId.set(r.nextMessageId());
      writer.start();
      return r.state();
    } catch (IOException e) {
      throw new StoreFormatException("cannot read the store: " + e.getMessage(), e);
    }
  }

  /** A new message id; ids grow, so a session's queue is in id order. */
  public long nextMessageId() {
    long id = nextId.getAndIncrement();
    if (id < 0) {
      throw new IllegalStateException("call recover() first");
    }
    return id;
  }

  /** Stores or replaces a session (at connect, subscribe, unsubscribe, disconnect). Durable. */
  public CompletableFuture<Void> putSession(SessionRecord session) {
    byte[] value = RecordCodec.encodeSession(session);
    return put(StoreKeys.session(session.clientId()), value);
  }

  /** Removes a session and everything of it: queue, in-flight state, inbound QoS 2 ids, will. */
  public CompletableFuture<Void> removeSession(String clientId) {
    return submit(false, out -> {
      out.add(new KvWrite.Delete(StoreKeys.session(clientId)));
      out.add(new KvWrite.Delete(StoreKeys.will(clientId)));
      for (byte tag : new byte[] {StoreKeys.QUEUE, StoreKeys.INFLIGHT, StoreKeys.INBOUND}) {
        byte[] prefix = StoreKeys.clientPrefix(tag, clientId);
        out.add(new KvWrite.DeleteRange(prefix, StoreKeys.prefixEnd(prefix)));
      }
      for (long id : index.removeClient(clientId)) {
        out.add(new KvWrite.Delete(StoreKeys.message(id)));
      }
    });
  }

  /**
   * Stores a message and queues it for each target session, and records the publisher's inbound QoS 2
   * packet id in the same atomic batch. A message for one session is written inside its queue entry
   * (one key, one delete when acknowledged); one for several sessions is stored once under its id.
   * Durable: acknowledge the publisher when it completes.
   *
   * @param id from {@link #nextMessageId()}
   * @param inboundQos2PacketId the PUBLISH's packet id for QoS 2 (recorded for {@code message.publisherId()}), or 0
   */
  public CompletableFuture<Void> enqueue(long id, Message message, List<QueueTarget> targets, int inboundQos2PacketId) {
    List<KvWrite> writes = new ArrayList<>(targets.size() + 2);
    boolean shared = targets.size() > 1;
    if (shared) {
      writes.add(new KvWrite.Put(StoreKeys.message(id), RecordCodec.encodeMessage(message)));
    }
    for (QueueTarget t : targets) {
      byte[] entry = RecordCodec.encodeQueueEntry(
          new RecordCodec.QueueEntry(t.qos(), t.retain(), t.subscriptionIds(), shared ? null : message));
      writes.add(new KvWrite.Put(StoreKeys.queue(t.clientId(), id), entry));
    }
    if (inboundQos2PacketId != 0) {
      writes.add(new KvWrite.Put(StoreKeys.inbound(message.publisherId(), inboundQos2PacketId), new byte[0]));
    }
    StoreOp op = new StoreOp(true, out -> {
      targets.forEach(t -> index.add(t.clientId(), id, shared));
      out.addAll(writes);
    }, () -> targets.forEach(t -> index.remove(t.clientId(), id)));
    return writer.submit(op);
  }

  /** Queues a message for one session. Durable. */
  public CompletableFuture<Void> enqueue(String clientId, long id, Message message, int qos, boolean retain,
      List<Integer> subscriptionIds) {
    return enqueue(id, message, List.of(new QueueTarget(clientId, qos, retain, subscriptionIds)), 0);
  }

  /**
   * The delivery is finished (PUBACK, PUBCOMP, expired or dropped): removes it from the queue, with
   * its in-flight marker when it was a QoS 2 delivery (only those have one).
   */
  public CompletableFuture<Void> ack(String clientId, long id, int qos) {
    return submit(false, out -> stageAck(out, clientId, id, qos));
  }

  /** {@link #ack(String, long, int)} of several deliveries of one session (a read batch of PUBACKs). */
  public CompletableFuture<Void> ackAll(String clientId, long[] ids, int[] qos) {
    return submit(false, out -> {
      for (int i = 0; i < ids.length; i++) {
        stageAck(out, clientId, ids[i], qos[i]);
      }
    });
  }

  private void stageAck(List<KvWrite> out, String clientId, long id, int qos) {
    if (index.remove(clientId, id)) {
      out.add(new KvWrite.Delete(StoreKeys.message(id)));
    }
    out.add(new KvWrite.Delete(StoreKeys.queue(clientId, id)));
    if (qos == 2) {
      out.add(new KvWrite.Delete(StoreKeys.inflight(clientId, id)));
    }
  }

  /** {@link #ack(String, long, int)} of a delivery whose QoS is not known: removes any in-flight marker. */
  public CompletableFuture<Void> ack(String clientId, long id) {
    return ack(clientId, id, 2);
  }

  /** A QoS 2 delivery was sent with this packet id; durable, so a resend after a crash uses the same id. */
  public CompletableFuture<Void> markInflight(String clientId, long id, int packetId) {
    return putInflight(clientId, id, new RecordCodec.InflightState(packetId, false));
  }

  /** PUBREC came for a QoS 2 delivery: after a crash, PUBREL is resent instead of the PUBLISH. Durable. */
  public CompletableFuture<Void> markReleased(String clientId, long id, int packetId) {
    return putInflight(clientId, id, new RecordCodec.InflightState(packetId, true));
  }

  private CompletableFuture<Void> putInflight(String clientId, long id, RecordCodec.InflightState state) {
    byte[] value = RecordCodec.encodeInflight(state);
    return submit(true, out -> {
      if (index.contains(clientId, id)) { // an acknowledged delivery must not come back
        out.add(new KvWrite.Put(StoreKeys.inflight(clientId, id), value));
      }
    });
  }

  /** An inbound QoS 2 PUBLISH that routed to no persistent queue. Durable: send PUBREC after it. */
  public CompletableFuture<Void> addInboundQos2(String clientId, int packetId) {
    return put(StoreKeys.inbound(clientId, packetId), new byte[0]);
  }

  /**
   * PUBREL came for an inbound QoS 2 packet id. Durable: send PUBCOMP after it, because the client may
   * reuse the id at once, and an id that came back after a crash would make its next message a "duplicate".
   */
  public CompletableFuture<Void> removeInboundQos2(String clientId, int packetId) {
    return submit(true, out -> out.add(new KvWrite.Delete(StoreKeys.inbound(clientId, packetId))));
  }

  /** Stores the topic's retained message, or clears it when the payload is empty [MQTT-3.3.1-6]. Durable. */
  public CompletableFuture<Void> putRetained(Message message) {
    if (message.payload().length == 0) {
      return removeRetained(message.topic());
    }
    return put(StoreKeys.retained(message.topic()), RecordCodec.encodeMessage(message));
  }

  /** Clears the topic's retained message. Durable. */
  public CompletableFuture<Void> removeRetained(String topic) {
    return submit(true, out -> out.add(new KvWrite.Delete(StoreKeys.retained(topic))));
  }

  /** Stores a delayed will, due at the given time. Durable. */
  public CompletableFuture<Void> putWill(String clientId, Message will, long dueAtMillis) {
    return put(StoreKeys.will(clientId), RecordCodec.encodeWill(new WillRecord(clientId, will, dueAtMillis)));
  }

  /** The delayed will was published or cancelled. */
  public CompletableFuture<Void> removeWill(String clientId) {
    return submit(false, out -> out.add(new KvWrite.Delete(StoreKeys.will(clientId))));
  }

  /** Counters of writes, batches and fsyncs. */
  public StoreStats stats() {
    return stats;
  }

  /** The key-value layer, for tests that look at what is on disk. */
  KvStore kv() {
    return kv;
  }

  private CompletableFuture<Void> put(byte[] key, byte[] value) {
    return submit(true, out -> out.add(new KvWrite.Put(key, value)));
  }

  private CompletableFuture<Void> submit(boolean durable, StoreOp.Stager stager) {
    nextIdChecked();
    return writer.submit(new StoreOp(durable, stager, () -> {}));
  }

  private void nextIdChecked() {
    if (nextId.get() < 0) {
      throw new IllegalStateException("call recover() first");
    }
  }

  /** Writes what is pending, fsyncs and closes the database. */
  @Override
  public void close() {
    writer.close();
    kv.close();
  }
}
