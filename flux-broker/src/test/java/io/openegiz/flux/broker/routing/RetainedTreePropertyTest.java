package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Message;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.message.Topics;

/**
 * The retained tree, given random topics and random filters, finds exactly what the reference matcher
 * {@link Topics#matches} and the subscription tree say matches: one set of rules for + / # / $.
 */
class RetainedTreePropertyTest {

  @Test
  void treeAgreesWithReferenceMatcherAndSubscriptionTree() {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      RetainedTree tree = new RetainedTree();
      Map<String, Boolean> held = new HashMap<>();
      for (int i = 0; i < 400; i++) {
        String topic = randomTopic(rnd);
        boolean keep = rnd.nextInt(4) != 0; // a quarter are clears, so matching also runs over a pruned tree
        tree.put(new Message(topic, keep ? new byte[] {1} : new byte[0], 0, true, "p", 0, Message.Properties.NONE));
        held.put(topic, keep);
      }
      Set<String> topics = new HashSet<>();
      held.forEach((t, keep) -> {
        if (keep) {
          topics.add(t);
        }
      });
      assertThat(tree.size()).isEqualTo(topics.size());
      for (int i = 0; i < 300; i++) {
        String filter = SubscriptionTreePropertyTest.randomFilter(rnd);
        Set<String> actual = new HashSet<>();
        tree.forEachMatching(filter, m -> assertThat(actual.add(m.topic())).as("reported twice").isTrue());
        assertThat(actual).as("seed %d filter '%s'", seed, filter).isEqualTo(byReference(filter, topics))
            .isEqualTo(bySubscriptionTree(filter, topics));
      }
    }
  }

  private static Set<String> byReference(String filter, Set<String> topics) {
    Set<String> out = new HashSet<>();
    for (String t : topics) {
      if (Topics.matches(filter, t)) {
        out.add(t);
      }
    }
    return out;
  }

  private static Set<String> bySubscriptionTree(String filter, Set<String> topics) {
    SubscriptionTree subs = new SubscriptionTree();
    subs.subscribe(Subscription.of("c", filter, 0));
    Set<String> out = new HashSet<>();
    for (String t : topics) {
      if (!Collector.match(subs, t).subscriptions.isEmpty()) {
        out.add(t);
      }
    }
    return out;
  }

  static String randomTopic(Random rnd) {
    return SubscriptionTreePropertyTest.randomTopic(rnd);
  }
}
