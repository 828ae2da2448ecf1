package io.openegiz.flux.archiver.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.openegiz.flux.archiver.questdb.EmbeddedQuestDb;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedQuestDbIT {
  @TempDir
  Path root;

  @Test
  void startsOnAFreeLoopbackPortTakesLineProtocolAndKeepsItsDataAcrossARestart() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    try (QuestDb db = new QuestDb(root)) {
      assertThat(db.url().toString()).startsWith("http://127.0.0.1:");
      HttpResponse<String> write = http.send(HttpRequest.newBuilder(db.url().resolve("/write?precision=ms"))
          .POST(HttpRequest.BodyPublishers.ofString("probe,device_id=d1 value=1.5 1700000000000\n")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(write.statusCode()).as(write.body()).isEqualTo(204);
      await().atMost(Duration.ofSeconds(10)).until(() -> tableCount(db) == 1);
    }
    assertThat(root.resolve("db")).isDirectory();
    try (QuestDb again = new QuestDb(root)) {
      assertThat(again.rows("SELECT device_id, value FROM probe").toString()).isEqualTo("[[\"d1\",1.5]]");
    }
  }

  @Test
  void closeIsIdempotentAndThePortIsFreeAfterwards() throws Exception {
    EmbeddedQuestDb db = EmbeddedQuestDb.start(root, "127.0.0.1", 0);
    int port = db.httpPort();
    assertThat(db.httpUrl().getPort()).isEqualTo(port);
    db.close();
    db.close();
    try (EmbeddedQuestDb same = EmbeddedQuestDb.start(root, "127.0.0.1", port)) {
      assertThat(same.httpPort()).isEqualTo(port);
    }
    assertThat(Files.readString(root.resolve("conf/log.conf"))).contains("ERROR");
  }

  private static long tableCount(QuestDb db) {
    try {
      return db.number("SELECT count() FROM probe");
    } catch (AssertionError | Exception notYet) {
      return -1;
    }
  }
}
