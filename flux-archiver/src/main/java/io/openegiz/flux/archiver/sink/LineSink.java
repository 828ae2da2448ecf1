package io.openegiz.flux.archiver.sink;

import java.util.List;

/** A database that takes line protocol. One writer thread calls it; implementations need not be thread-safe. */
public interface LineSink {

  /** Makes sure the database (and what else the sink needs) exists; tells what to create when it may not. */
  void prepare();

  /** Writes lines (millisecond timestamps) in one request; never throws for a database or network failure. */
  WriteResult write(List<String> lines);
}
