package io.openegiz.flux.archiver.sink;

import java.time.Duration;

/** How the database answered one write; the archiver decides from it to ack, split, bisect or retry. */
public sealed interface WriteResult {

  /** 204: every line is stored. */
  record Written() implements WriteResult {
  }

  /**
   * 400 or 422: some line is malformed or refused (e.g. a field type conflict); retrying the same body cannot help.
   *
   * @param status the HTTP status
   * @param error  the database's error text
   */
  record Rejected(int status, String error) implements WriteResult {
  }

  /** 413: the body is too large; write it in halves. */
  record TooLarge() implements WriteResult {
  }

  /**
   * Try the same body again later: 429/503 (with the server's {@code Retry-After} when it sent one), other 5xx, an
   * authentication or database-missing answer, or a connection error.
   *
   * @param why        what happened, for the log
   * @param retryAfter the server's {@code Retry-After}, or {@code null} for the archiver's own backoff
   */
  record Retry(String why, Duration retryAfter) implements WriteResult {
  }
}
