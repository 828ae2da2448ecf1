package io.openegiz.flux.archiver.sink;

import java.util.List;

/** A database that takes line protocol. One writer thread calls it; implementations need not be thread-safe. */
public interface LineSink {

  /**
   * Makes sure the database (and what else the sink needs) exists; logs what to create when it may not.
   *
   * @return the statements that failed, for an administrator to run; empty when all is ready
   */
  List<String> prepare();

  /** Writes lines (millisecond timestamps) in one request; never throws for a database or network failure. */
  WriteResult write(List<String> lines);
}
