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
  @TempDir Path dir;

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
