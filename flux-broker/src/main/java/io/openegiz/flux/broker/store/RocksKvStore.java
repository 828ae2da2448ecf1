package io.openegiz.flux.broker.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.rocksdb.CompressionType;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * {@link KvStore} on RocksDB. Opening checks the format marker: a folder that holds something else,
 * a corrupt database, or a store of a newer format is refused, never wiped.
 */
final class RocksKvStore implements KvStore {
  /**
   * Version of the key layout and records; bump when a change is not readable by older code.
   * 2: a message queued for one session is written inside its queue entry. An older store is
   * readable as it is and is marked with this version when opened, so an older Flux refuses it.
   */
  static final int FORMAT_VERSION = 2;
  private static final byte[] MAGIC = "flux-store".getBytes(StandardCharsets.US_ASCII);

  static {
    RocksDB.loadLibrary();
  }

  private final Path directory;
  private final Options options;
  private final WriteOptions syncWrite = new WriteOptions().setSync(true);
  private final WriteOptions plainWrite = new WriteOptions();
  private RocksDB db;

  private RocksKvStore(Path directory, Options options, RocksDB db) {
    this.directory = directory;
    this.options = options;
    this.db = db;
  }

  /** Opens or creates the store in the folder; throws {@link StoreFormatException} when it is not ours. */
  static RocksKvStore open(Path directory) {
    boolean fresh = checkFolder(directory);
    Options options = new Options()
        .setCreateIfMissing(fresh)
        .setParanoidChecks(true)
        .setCompressionType(CompressionType.LZ4_COMPRESSION)
        .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
        .setKeepLogFileNum(3)
        .setWriteBufferSize(32L << 20);
    RocksDB db;
    try {
      db = RocksDB.open(options, directory.toString());
    } catch (RocksDBException e) {
      options.close();
      throw refusal(directory, e);
    }
    RocksKvStore store = new RocksKvStore(directory, options, db);
    try {
      store.checkMarker();
    } catch (RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** True when the folder is absent or empty; refuses a non-empty folder that is not a RocksDB database. */
  private static boolean checkFolder(Path directory) {
    try {
      if (!Files.exists(directory)) {
        Files.createDirectories(directory);
        return true;
      }
      if (!Files.isDirectory(directory)) {
        throw new StoreFormatException("persistence_location " + directory + " is not a folder");
      }
      try (Stream<Path> entries = Files.list(directory)) {
        if (entries.findAny().isEmpty()) {
          return true;
        }
      }
      if (!Files.exists(directory.resolve("CURRENT"))) {
        throw new StoreFormatException("persistence_location " + directory
            + " holds files that are not a Flux store; refusing to use it (choose an empty folder)");
      }
      return false;
    } catch (IOException e) {
      throw new StoreFormatException("cannot open persistence_location " + directory + ": " + e.getMessage(), e);
    }
  }

  private static StoreFormatException refusal(Path directory, RocksDBException e) {
    Status s = e.getStatus();
    String what = s != null && s.getCode() == Status.Code.Corruption ? "is corrupt" : "cannot be opened";
    return new StoreFormatException("the Flux store in " + directory + " " + what + ": " + e.getMessage()
        + "; start-up stopped, the folder was left as it is", e);
  }

  /** A full disk as {@link DiskFullException} (from RocksDB's status, not its text), anything else as it is. */
  private IOException failure(RocksDBException e) {
    Status s = e.getStatus();
    if (s != null && s.getSubCode() == Status.SubCode.NoSpace) {
      return new DiskFullException(directory.toString(), e.getMessage(), e);
    }
    return new IOException(e.getMessage(), e);
  }

  private void checkMarker() {
    try {
      byte[] marker = db.get(StoreKeys.format());
      if (marker == null) {
        try (RocksIterator it = db.newIterator()) {
          it.seekToFirst();
          if (it.isValid()) {
            throw new StoreFormatException("the RocksDB database in " + directory
                + " is not a Flux store (no format marker); refusing to use it");
          }
        }
        // Empty: a new store, or one whose creation stopped before the marker was written.
        writeMarker();
        return;
      }
      if (marker.length != MAGIC.length + 4 || !Arrays.equals(marker, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
        throw new StoreFormatException("the database in " + directory + " is not a Flux store (unknown marker)");
      }
      int version = ByteBuffer.wrap(marker, MAGIC.length, 4).getInt();
      if (version > FORMAT_VERSION) {
        throw new StoreFormatException("the store in " + directory + " has format " + version
            + ", written by a newer Flux; this one reads format " + FORMAT_VERSION + " and older");
      }
      if (version < FORMAT_VERSION) {
        writeMarker(); // from now on this store may hold records the older format does not know
      }
    } catch (RocksDBException e) {
      throw refusal(directory, e);
    }
  }

  private void writeMarker() throws RocksDBException {
    byte[] value = ByteBuffer.allocate(MAGIC.length + 4).put(MAGIC).putInt(FORMAT_VERSION).array();
    db.put(syncWrite, StoreKeys.format(), value);
  }

  @Override
  public void write(List<KvWrite> writes, boolean sync) throws IOException {
    RocksDB db = open();
    try (WriteBatch batch = new WriteBatch(WriteBatchEncoder.encode(writes))) { // one JNI call per batch
      db.write(sync ? syncWrite : plainWrite, batch);
    } catch (RocksDBException e) {
      throw failure(e);
    }
  }

  @Override
  public void sync() throws IOException {
    try {
      open().syncWal();
    } catch (RocksDBException e) {
      throw failure(e);
    }
  }

  private synchronized RocksDB open() throws IOException {
    if (db == null) {
      throw new IOException("the store is closed");
    }
    return db;
  }

  @Override
  public void scanAll(Visitor visitor) throws IOException {
    // One sequential pass at start-up: read ahead, and keep the block cache for what follows.
    try (ReadOptions read = new ReadOptions().setReadaheadSize(4L << 20).setFillCache(false);
        RocksIterator it = open().newIterator(read)) {
      for (it.seekToFirst(); it.isValid(); it.next()) {
        visitor.visit(it.key(), it.value());
      }
      it.status();
    } catch (RocksDBException e) {
      throw failure(e);
    }
  }

  /** RocksDB stops writing after a failed WAL write until it is reopened; rocksdbjni has no resume(). */
  @Override
  public synchronized void reopen() throws IOException {
    if (db != null) {
      db.close();
      db = null;
    }
    try {
      db = RocksDB.open(options, directory.toString());
    } catch (RocksDBException e) {
      throw failure(e);
    }
  }

  @Override
  public synchronized void close() {
    if (db != null) {
      try {
        db.syncWal();
      } catch (RocksDBException e) {
        // closing anyway: what was acknowledged was already synced under group commit
      }
      db.close();
      db = null;
    }
    syncWrite.close();
    plainWrite.close();
    options.close();
  }
}
