package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Subscription;
import io.openegiz.flux.broker.message.Topics;

/** Compares the tree against the reference matcher {@link Topics#matches} on random input. */
class SubscriptionTreePropertyTest {

  private static final String[] LEVELS = {"a", "b", "c", "", "$s", "dev-1"};

  @Test
  void treeAgreesWithReferenceMatcher() {
    for (long seed = 1; seed <= 20; seed++) {
      Random rnd = new Random(seed);
      SubscriptionTree tree = new SubscriptionTree();
      List<Subscription> all = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        Subscription s = rnd.nextInt(5) == 0
            ? Subscription.shared("c" + rnd.nextInt(20), "g" + rnd.nextInt(2), randomFilter(rnd), 0)
            : Subscription.of("c" + rnd.nextInt(20), randomFilter(rnd), 0);
        assertThat(Topics.validateTopicFilter(s.filter())).as(s.filter()).isNull();
        tree.subscribe(s);
        all.removeIf(o -> sameKey(o, s));
        all.add(s);
      }
      // Remove a third so matching also runs over a pruned tree.
      for (Subscription s : new ArrayList<>(all.subList(0, all.size() / 3))) {
        assertThat(tree.unsubscribe(s.clientId(), s.shareGroup(), s.filter())).isTrue();
        all.remove(s);
      }
      assertThat(tree.subscriptionCount()).isEqualTo(all.size());
      for (int i = 0; i < 500; i++) {
        String topic = randomTopic(rnd);
        assertThat(actual(tree, topic)).as("seed %d topic '%s'", seed, topic).isEqualTo(expected(all, topic));
      }
    }
  }

  private static boolean sameKey(Subscription a, Subscription b) {
    return a.clientId().equals(b.clientId()) && a.filter().equals(b.filter())
        && java.util.Objects.equals(a.shareGroup(), b.shareGroup());
  }

  private static Set<String> actual(SubscriptionTree tree, String topic) {
    Collector c = Collector.match(tree, topic);
    Set<String> out = new HashSet<>();
    for (Subscription s : c.subscriptions) {
      assertThat(out.add(s.clientId() + " " + s.filter())).as("reported twice").isTrue();
    }
    for (SharedGroup g : c.groups) {
      for (Subscription s : g.subscriptions()) {
        assertThat(out.add(s.clientId() + " " + s.filter() + " @" + g.name())).as("reported twice").isTrue();
      }
    }
    return out;
  }

  private static Set<String> expected(List<Subscription> all, String topic) {
    Set<String> out = new HashSet<>();
    for (Subscription s : all) {
      if (Topics.matches(s.filter(), topic)) {
        out.add(s.clientId() + " " + s.filter() + (s.isShared() ? " @" + s.shareGroup() : ""));
      }
    }
    return out;
  }

  static String randomFilter(Random rnd) {
    int depth = 1 + rnd.nextInt(4);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        b.append('/');
      }
      int r = rnd.nextInt(10);
      if (r < 2) {
        b.append('+');
      } else if (r == 2 && i == depth - 1) {
        b.append('#');
      } else {
        b.append(LEVELS[rnd.nextInt(LEVELS.length)]);
      }
    }
    return b.isEmpty() ? "a" : b.toString(); // a filter of one empty level is not valid
  }

  static String randomTopic(Random rnd) {
    int depth = 1 + rnd.nextInt(5);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < depth; i++) {
      if (i > 0) {
        b.append('/');
      }
      b.append(LEVELS[rnd.nextInt(LEVELS.length)]);
    }
    return b.isEmpty() ? "a" : b.toString();
  }
}
