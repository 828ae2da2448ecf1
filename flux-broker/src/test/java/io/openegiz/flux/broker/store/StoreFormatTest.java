package io.openegiz.flux.broker.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class StoreFormatTest {
  @TempDir
  Path dir;

  @Test
  void newStoreGetsAMarkerAndOpensAgain() {
    try (DurableStore s = DurableStore.open(StoreOptions.groupCommit(dir.resolve("new")))) {
      s.recover();
    }
    try (DurableStore s = DurableStore.open(StoreOptions.groupCommit(dir.resolve("new")))) {
      assertThat(s.recover().sessions()).isEmpty();
    }
  }

  @Test
  void folderWithOtherFilesIsRefusedAndLeftAlone() throws Exception {
    Files.writeString(dir.resolve("notes.txt"), "mine");
    assertThatThrownBy(() -> DurableStore.open(StoreOptions.groupCommit(dir)))
        .isInstanceOf(StoreFormatException.class).hasMessageContaining("not a Flux store");
    assertThat(Files.readString(dir.resolve("notes.txt"))).isEqualTo("mine");
    try (var files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void aFileInsteadOfAFolderIsRefused() throws Exception {
    Path file = Files.writeString(dir.resolve("f"), "x");
    assertThatThrownBy(() -> DurableStore.open(StoreOptions.groupCommit(file)))
        .isInstanceOf(StoreFormatException.class).hasMessageContaining("is not a folder");
  }

  @Test
  void anotherProgramsRocksDbIsRefused() throws Exception {
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir.toString())) {
      db.put("user:1".getBytes(StandardCharsets.UTF_8), "alice".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> DurableStore.open(StoreOptions.groupCommit(dir)))
        .isInstanceOf(StoreFormatException.class).hasMessageContaining("no format marker");
  }

  @Test
  void aStoreOfANewerFormatIsRefused() throws Exception {
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir.toString())) {
      byte[] magic = "flux-store".getBytes(StandardCharsets.US_ASCII);
      db.put(StoreKeys.format(), ByteBuffer.allocate(magic.length + 4).put(magic)
          .putInt(RocksKvStore.FORMAT_VERSION + 1).array());
    }
    assertThatThrownBy(() -> DurableStore.open(StoreOptions.groupCommit(dir)))
        .isInstanceOf(StoreFormatException.class)
        .hasMessageContaining("format " + (RocksKvStore.FORMAT_VERSION + 1))
        .hasMessageContaining("newer Flux");
  }

  /** Format 1 kept every message under its own key; a store of it is read as it is, then marked 2. */
  @Test
  void aFormat1StoreIsReadAndUpgraded() throws Exception {
    byte[] magic = "flux-store".getBytes(StandardCharsets.US_ASCII);
    io.openegiz.flux.broker.message.Message m = RecordCodecTest.plainMessage("a/1", "from format 1");
    try (Options o = new Options().setCreateIfMissing(true); RocksDB db = RocksDB.open(o, dir.toString())) {
      db.put(StoreKeys.format(), ByteBuffer.allocate(magic.length + 4).put(magic).putInt(1).array());
      db.put(StoreKeys.session("c1"), RecordCodec.encodeSession(
          new SessionRecord("c1", 4, 3600, 0, java.util.List.of(), null)));
      db.put(StoreKeys.message(7), RecordCodec.encodeMessage(m));
      db.put(StoreKeys.queue("c1", 7),
          RecordCodec.encodeQueueEntry(new RecordCodec.QueueEntry(1, false, java.util.List.of())));
    }
    try (DurableStore s = DurableStore.open(StoreOptions.groupCommit(dir))) {
      RecoveredState state = s.recover();
      assertThat(state.queues().get("c1")).singleElement().satisfies(d -> {
        assertThat(d.id()).isEqualTo(7);
        RecordCodecTest.assertSameMessage(d.message(), m);
      });
      assertThat(s.nextMessageId()).isEqualTo(8);
      s.ack("c1", 7, 1).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }
    try (Options o = new Options(); RocksDB db = RocksDB.open(o, dir.toString())) {
      assertThat(ByteBuffer.wrap(db.get(StoreKeys.format()), magic.length, 4).getInt()).isEqualTo(2);
      assertThat(db.get(StoreKeys.message(7))).as("the shared message went with its last queue entry").isNull();
      assertThat(db.get(StoreKeys.queue("c1", 7))).isNull();
    }
  }

  @Test
  void aCorruptStoreIsRefusedNotWiped() throws Exception {
    try (DurableStore s = DurableStore.open(StoreOptions.groupCommit(dir))) {
      s.recover();
    }
    try (var files = Files.list(dir)) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("MANIFEST")).toList()) {
        Files.write(p, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
      }
    }
    assertThatThrownBy(() -> DurableStore.open(StoreOptions.groupCommit(dir)))
        .isInstanceOf(StoreFormatException.class).hasMessageContaining("left as it is");
    assertThat(dir.resolve("CURRENT")).exists();
  }
}
