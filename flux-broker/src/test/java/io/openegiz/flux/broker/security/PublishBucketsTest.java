package io.openegiz.flux.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Publish-rate buckets per identity: shared, kept while refilling, forgotten once idle and full. */
class PublishBucketsTest {
  private static final long SECOND = 1_000_000_000L;
  private final AtomicLong now = new AtomicLong(1_000 * SECOND);
  private final PublishBuckets buckets = new PublishBuckets(now::get);

  @Test
  void connectionsOfOneIdentityShareABucketAndOthersHaveTheirOwn() {
    TokenBucket a = buckets.acquire("sensor", 1, 10);
    assertThat(buckets.acquire("sensor", 1, 10)).isSameAs(a);
    assertThat(buckets.acquire("other", 1, 10)).isNotSameAs(a);
    assertThat(buckets.acquire("sensor", 5, 10)).as("other limits, other bucket").isNotSameAs(a);
  }

  @Test
  void aReleasedBucketIsKeptUntilItHasRefilledThenForgotten() {
    TokenBucket first = buckets.acquire("sensor", 1, 10);
    for (int i = 0; i < 10; i++) {
      assertThat(first.tryTake(now.get())).isTrue();
    }
    buckets.release("sensor", 1, 10);
    now.addAndGet(3 * SECOND);
    TokenBucket again = buckets.acquire("sensor", 1, 10);
    assertThat(again).isSameAs(first);
    assertThat(again.tryTake(now.get())).isTrue(); // 3 tokens back after 3 s, not 10
    buckets.release("sensor", 1, 10);
    now.addAndGet(20 * SECOND); // refilled, and the sweep is due
    buckets.acquire("other", 1, 10);
    assertThat(buckets.size()).isEqualTo(1);
    assertThat(buckets.acquire("sensor", 1, 10)).isNotSameAs(first);
  }

  @Test
  void aHeldBucketIsNeverForgotten() {
    TokenBucket held = buckets.acquire("sensor", 1, 10);
    now.addAndGet(60 * SECOND);
    buckets.acquire("other", 1, 10);
    assertThat(buckets.acquire("sensor", 1, 10)).isSameAs(held);
  }
}
