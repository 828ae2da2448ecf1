package io.openegiz.flux.archiver.sink;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * QuestDB, embedded or not: line protocol over HTTP ({@code POST /write?precision=ms}, gzip) and SQL over
 * {@code /exec} for the tables ({@link QuestDbTables}). QuestDB commits each table of a request on its own and
 * may keep one table's rows when another's are refused, so a batch is written as one request per table, and is
 * written only when every table's request is.
 */
public final class QuestDbSink implements LineSink {
  private static final Logger LOG = LoggerFactory.getLogger(QuestDbSink.class);

  private final LineHttp http;
  private final Retention retention;
  private boolean prepared;

  /**
   * @param base      e.g. {@code http://127.0.0.1:9000}
   * @param timeout   of one request
   * @param retention table TTL and the aggregating views, or {@code null} for tables without either
   */
  public QuestDbSink(URI base, Duration timeout, Retention retention) {
    this.http = new LineHttp(base, null, timeout);
    this.retention = retention;
  }

  /**
   * Creates the tables (and views) if missing, with their dedup keys and TTL. Until QuestDB has answered every
   * statement once, {@link #write} retries instead of writing, so that no table is made by a write without its
   * dedup keys.
   */
  @Override
  public List<String> prepare() {
    List<String> statements = QuestDbTables.statements(retention);
    List<String> failed = new ArrayList<>();
    String reason = null;
    for (String statement : statements) {
      try {
        HttpResponse<String> response = http.send(http.request("/exec?query=" + LineHttp.encode(statement))
            .GET().build());
        if (response.statusCode() != 200) {
          failed.add(statement);
          reason = reason == null ? response.statusCode() + " " + response.body().strip() : reason;
        }
      } catch (IOException e) {
        prepared = false;
        LOG.warn("QuestDB {}: not reachable ({}); the tables are made before the first write", http.base(),
            e.toString());
        return statements;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        prepared = false;
        return statements;
      }
    }
    prepared = true;
    if (failed.isEmpty()) {
      LOG.info("QuestDB {}: tables ready{}", http.base(), retention == null ? "" : " with " + retention);
    } else {
      LOG.warn("QuestDB {}: could not prepare the tables ({}); to run:\n  {}", http.base(), reason,
          String.join(";\n  ", failed));
    }
    return failed;
  }

  @Override
  public WriteResult write(List<String> lines) {
    if (!prepared) {
      prepare();
      if (!prepared) {
        return new WriteResult.Retry("QuestDB " + http.base() + " has not answered the table statements yet", null);
      }
    }
    WriteResult worst = new WriteResult.Written();
    for (List<String> table : byTable(lines).values()) {
      WriteResult result = http.write("/write?precision=ms", table, null);
      switch (result) {
        case WriteResult.Retry retry -> {
          return retry; // the tables written already are written again, and deduplicated
        }
        case WriteResult.TooLarge tooLarge -> worst = tooLarge;
        case WriteResult.Rejected rejected -> worst = worst instanceof WriteResult.TooLarge ? worst : rejected;
        case WriteResult.Written written -> {
          // the worst so far stands
        }
      }
    }
    return worst;
  }

  /** The lines grouped by measurement, each group in the batch's order. */
  static Map<String, List<String>> byTable(List<String> lines) {
    Map<String, List<String>> tables = new LinkedHashMap<>();
    for (String line : lines) {
      tables.computeIfAbsent(measurement(line), k -> new ArrayList<>()).add(line);
    }
    return tables;
  }

  /** The measurement of a line as written (escapes kept): up to the first unescaped comma or space. */
  static String measurement(String line) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ',' || c == ' ') {
        return line.substring(0, i);
      }
    }
    return line;
  }
}
