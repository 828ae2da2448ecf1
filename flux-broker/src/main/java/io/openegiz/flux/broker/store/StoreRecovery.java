package io.openegiz.flux.broker.store;

import io.openegiz.flux.broker.message.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the whole store once at start-up: rebuilds the queue index and the state to hand to the
 * session layer, and deletes what a crash between two batches can leave behind (a message no queue
 * references, an in-flight marker or queue of a session that is gone).
 */
final class StoreRecovery implements KvStore.Visitor {

  /** What recovery found, and the first message id that is free. */
  record Result(RecoveredState state, long nextMessageId) {}

  private final QueueIndex index;
  private final Map<Long, Message> messages = new HashMap<>();
  private final Map<String, Map<Long, RecordCodec.InflightState>> inflight = new HashMap<>();
  private final Map<String, List<byte[][]>> queueKeys = new LinkedHashMap<>();
  private final Map<String, Set<Integer>> inbound = new LinkedHashMap<>();
  private final Map<String, SessionRecord> sessions = new LinkedHashMap<>();
  private final List<Message> retained = new ArrayList<>();
  private final List<WillRecord> wills = new ArrayList<>();
  private final List<KvWrite> cleanup = new ArrayList<>();
  private long maxId;

  private StoreRecovery(QueueIndex index) {
    this.index = index;
  }

  static Result run(KvStore kv, QueueIndex index) throws IOException {
    StoreRecovery r = new StoreRecovery(index);
    kv.scanAll(r);
    Map<String, List<StoredDelivery>> queues = r.assembleQueues();
    r.dropOrphans();
    if (!r.cleanup.isEmpty()) {
      kv.write(r.cleanup, true);
    }
    RecoveredState state = new RecoveredState(List.copyOf(r.sessions.values()), queues, r.inbound,
        r.retained, r.wills);
    return new Result(state, r.maxId + 1);
  }

  @Override
  public void visit(byte[] key, byte[] value) {
    switch (key[0]) {
      case StoreKeys.FORMAT -> {
      }
      case StoreKeys.MESSAGE -> {
        long id = StoreKeys.idOf(key);
        messages.put(id, RecordCodec.decodeMessage(value));
        maxId = Math.max(maxId, id);
      }
      case StoreKeys.INFLIGHT -> inflight.computeIfAbsent(StoreKeys.clientOf(key), k -> new HashMap<>())
          .put(StoreKeys.idOf(key), RecordCodec.decodeInflight(value));
      case StoreKeys.INBOUND -> inbound.computeIfAbsent(StoreKeys.clientOf(key), k -> new LinkedHashSet<>())
          .add(StoreKeys.packetIdOf(key));
      case StoreKeys.QUEUE -> queueKeys.computeIfAbsent(StoreKeys.clientOf(key), k -> new ArrayList<>())
          .add(new byte[][] {key, value});
      case StoreKeys.RETAINED -> retained.add(RecordCodec.decodeMessage(value));
      case StoreKeys.SESSION -> {
        SessionRecord s = RecordCodec.decodeSession(value);
        sessions.put(s.clientId(), s);
      }
      case StoreKeys.WILL -> wills.add(RecordCodec.decodeWill(value));
      default -> throw new StoreFormatException("the store holds a key of unknown kind " + key[0]);
    }
  }

  /** Queue keys come in key order: per client, by message id, which is queue order. */
  private Map<String, List<StoredDelivery>> assembleQueues() {
    Map<String, List<StoredDelivery>> queues = new LinkedHashMap<>();
    for (Map.Entry<String, List<byte[][]>> e : queueKeys.entrySet()) {
      String clientId = e.getKey();
      Map<Long, RecordCodec.InflightState> flights = inflight.getOrDefault(clientId, Map.of());
      List<StoredDelivery> list = new ArrayList<>(e.getValue().size());
      for (byte[][] kv : e.getValue()) {
        long id = StoreKeys.idOf(kv[0]);
        RecordCodec.QueueEntry q = RecordCodec.decodeQueueEntry(kv[1]);
        Message m = q.message() != null ? q.message() : messages.get(id);
        if (m == null || !sessions.containsKey(clientId)) {
          cleanup.add(new KvWrite.Delete(kv[0]));
          continue;
        }
        RecordCodec.InflightState f = flights.get(id);
        list.add(new StoredDelivery(id, m, q.qos(), q.retain(), q.subscriptionIds(),
            f == null ? 0 : f.packetId(), f != null && f.released()));
        index.add(clientId, id, q.message() == null);
        maxId = Math.max(maxId, id);
      }
      if (!list.isEmpty()) {
        queues.put(clientId, list);
      }
    }
    return queues;
  }

  private void dropOrphans() {
    for (long id : messages.keySet()) {
      if (!index.referenced(id)) cleanup.add(new KvWrite.Delete(StoreKeys.message(id)));
    }
    inflight.forEach((clientId, flights) -> flights.keySet().forEach(id -> {
      if (!index.contains(clientId, id)) cleanup.add(new KvWrite.Delete(StoreKeys.inflight(clientId, id)));
    }));
    inbound.keySet().removeIf(clientId -> {
      if (sessions.containsKey(clientId)) return false;
      byte[] prefix = StoreKeys.clientPrefix(StoreKeys.INBOUND, clientId);
      cleanup.add(new KvWrite.DeleteRange(prefix, StoreKeys.prefixEnd(prefix)));
      return true;
    });
  }
}
