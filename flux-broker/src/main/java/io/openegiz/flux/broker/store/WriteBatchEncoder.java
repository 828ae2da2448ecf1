package io.openegiz.flux.broker.store;

import java.util.List;

/**
 * Builds RocksDB's serialized write batch (the {@code rep_} of {@code db/write_batch.cc}) in Java, so
 * that a group commit of thousands of keys crosses JNI once instead of once per key. The layout is
 * RocksDB's stable on-disk WAL record format:
 *
 * <pre>
 * batch  := sequence:fixed64 count:fixed32 record*      (little-endian; the sequence is set by the DB)
 * record := kTypeValue(0x01) varstring(key) varstring(value)
 *         | kTypeDeletion(0x00) varstring(key)
 *         | kTypeRangeDeletion(0x0F) varstring(from) varstring(to)
 * varstring := length:varint32 bytes
 * </pre>
 *
 * {@code WriteBatchEncoderTest} checks the bytes against what RocksDB's own {@code WriteBatch} builds.
 */
final class WriteBatchEncoder {
  static final byte TYPE_DELETION = 0x00;
  static final byte TYPE_VALUE = 0x01;
  static final byte TYPE_RANGE_DELETION = 0x0F;
  private static final int HEADER = 12;

  private WriteBatchEncoder() {}

  static byte[] encode(List<KvWrite> writes) {
    int size = HEADER;
    for (KvWrite w : writes) {
      size += 1 + switch (w) {
        case KvWrite.Put p -> varstringSize(p.key()) + varstringSize(p.value());
        case KvWrite.Delete d -> varstringSize(d.key());
        case KvWrite.DeleteRange r -> varstringSize(r.from()) + varstringSize(r.to());
      };
    }
    byte[] out = new byte[size];
    int count = writes.size();
    // bytes 0..7: sequence number, zero (RocksDB assigns it when the batch is written)
    out[8] = (byte) count;
    out[9] = (byte) (count >>> 8);
    out[10] = (byte) (count >>> 16);
    out[11] = (byte) (count >>> 24);
    int at = HEADER;
    for (KvWrite w : writes) {
      switch (w) {
        case KvWrite.Put p -> {
          out[at++] = TYPE_VALUE;
          at = varstring(out, at, p.key());
          at = varstring(out, at, p.value());
        }
        case KvWrite.Delete d -> {
          out[at++] = TYPE_DELETION;
          at = varstring(out, at, d.key());
        }
        case KvWrite.DeleteRange r -> {
          out[at++] = TYPE_RANGE_DELETION;
          at = varstring(out, at, r.from());
          at = varstring(out, at, r.to());
        }
      }
    }
    return out;
  }

  private static int varstringSize(byte[] b) {
    return varintSize(b.length) + b.length;
  }

  private static int varintSize(int v) {
    int n = 1;
    while ((v & ~0x7F) != 0) {
      v >>>= 7;
      n++;
    }
    return n;
  }

  private static int varstring(byte[] out, int at, byte[] b) {
    int v = b.length;
    while ((v & ~0x7F) != 0) {
      out[at++] = (byte) (v & 0x7F | 0x80);
      v >>>= 7;
    }
    out[at++] = (byte) v;
    System.arraycopy(b, 0, out, at, b.length);
    return at + b.length;
  }
}
