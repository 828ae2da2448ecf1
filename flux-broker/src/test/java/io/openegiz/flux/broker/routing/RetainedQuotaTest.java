package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.openegiz.flux.broker.routing.RetainedQuota.Refusal;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Message;

/** The retained-message quota's bookkeeping: owners, replacement, take-over, clearing, restored messages. */
class RetainedQuotaTest {

  private static Message retained(String topic, int bytes) {
    return new Message(topic, new byte[bytes], 1, true, "c", 0, Message.Properties.NONE);
  }

  @Test
  void takingOverATopicMovesItToTheNewOwnerAndFreesTheOld() {
    RetainedQuota q = new RetainedQuota(0, 0);
    assertThat(q.admit("a", retained("t/1", 10), 1, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.admit("a", retained("t/2", 10), 1, 0)).isEqualTo(Refusal.IDENTITY_MESSAGES);
    assertThat(q.admit("b", retained("t/1", 10), 1, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.messagesOf("a")).isZero();
    assertThat(q.messagesOf("b")).isEqualTo(1);
    assertThat(q.admit("a", retained("t/2", 10), 1, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.messages()).isEqualTo(2);
  }

  @Test
  void clearingIsAlwaysAllowedAndUnknownTopicsChangeNothing() {
    RetainedQuota q = new RetainedQuota(1, 1);
    assertThat(q.admit("a", retained("t/none", 0), 0, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.admit("a", retained("t/1", 100), 0, 0)).isEqualTo(Refusal.TOTAL_BYTES);
    assertThat(q.messages()).isZero();
    assertThat(q.bytes()).isZero();
  }

  @Test
  void restoredMessagesCountInTheTotalsOnlyAndAreFreedByWhoeverClearsThem() {
    RetainedQuota q = new RetainedQuota(2, 0);
    q.restored(retained("r/1", 5));
    q.restored(retained("r/2", 5));
    assertThat(q.messagesOf("a")).isZero();
    assertThat(q.admit("a", retained("r/3", 5), 10, 0)).isEqualTo(Refusal.TOTAL_MESSAGES);
    assertThat(q.admit("a", retained("r/1", 0), 10, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.admit("a", retained("r/3", 5), 10, 0)).isEqualTo(Refusal.NONE);
    assertThat(q.bytes()).isEqualTo(2 * (3 + 5));
  }
}
