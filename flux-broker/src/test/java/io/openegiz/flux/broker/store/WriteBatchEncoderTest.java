package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBatch;

/** Our serialized batches are byte for byte what RocksDB's own WriteBatch builds, and RocksDB applies them. */
class WriteBatchEncoderTest {
  static {
    RocksDB.loadLibrary();
  }

  @TempDir
  Path dir;

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static List<KvWrite> sample() {
    Random r = new Random(42);
    List<KvWrite> writes = new ArrayList<>();
    // lengths around the varint boundaries (127/128, 16383/16384) and empty values
    for (int len : new int[] {0, 1, 127, 128, 300, 16_383, 16_384, 70_000}) {
      writes.add(new KvWrite.Put(bytes(r, 1 + len % 50), bytes(r, len)));
      writes.add(new KvWrite.Delete(bytes(r, Math.max(1, len % 200))));
    }
    writes.add(new KvWrite.DeleteRange("Q\0\2ab".getBytes(StandardCharsets.ISO_8859_1),
        "Q\0\2ac".getBytes(StandardCharsets.ISO_8859_1)));
    return writes;
  }

  @Test
  void encodesExactlyWhatRocksDbsWriteBatchBuilds() throws Exception {
    List<KvWrite> writes = sample();
    try (WriteBatch reference = new WriteBatch()) {
      for (KvWrite w : writes) {
        switch (w) {
          case KvWrite.Put p -> reference.put(p.key(), p.value());
          case KvWrite.Delete d -> reference.delete(d.key());
          case KvWrite.DeleteRange d -> reference.deleteRange(d.from(), d.to());
        }
      }
      assertThat(WriteBatchEncoder.encode(writes)).isEqualTo(reference.data());
      try (WriteBatch ours = new WriteBatch(WriteBatchEncoder.encode(writes))) {
        assertThat(ours.count()).isEqualTo(writes.size());
      }
    }
    assertThat(WriteBatchEncoder.encode(List.of())).hasSize(12).containsOnly(0);
  }

  @Test
  void rocksDbAppliesTheEncodedBatch() throws Exception {
    byte[] a = "a".getBytes(StandardCharsets.US_ASCII);
    byte[] b = "b".getBytes(StandardCharsets.US_ASCII);
    byte[] c = "c".getBytes(StandardCharsets.US_ASCII);
    byte[] value = new byte[1000];
    new Random(1).nextBytes(value);
    List<byte[][]> seen = new ArrayList<>();
    try (RocksKvStore kv = RocksKvStore.open(dir)) {
      kv.write(List.of(new KvWrite.Put(a, value), new KvWrite.Put(b, b), new KvWrite.Put(c, c)), true);
      kv.write(List.of(new KvWrite.Delete(b), new KvWrite.DeleteRange(c, "d".getBytes(StandardCharsets.US_ASCII))),
          true);
      kv.scanAll((key, v) -> {
        if (key[0] != StoreKeys.FORMAT) seen.add(new byte[][] {key, v});
      });
    }
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)[0]).isEqualTo(a);
    assertThat(seen.get(0)[1]).isEqualTo(value);
  }
}
