package io.openegiz.flux.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import io.openegiz.flux.broker.message.Subscription;

class SubscriptionTreeTest {

  private final SubscriptionTree tree = new SubscriptionTree();

  private void sub(String client, String filter) {
    tree.subscribe(Subscription.of(client, filter, 1));
  }

  @Test
  void matchesSpecExamples() {
    for (String f : List.of("sport/tennis/player1/#", "sport/#", "sport/tennis/+", "sport/+", "+/+", "/+", "+",
        "#", "$SYS/#", "$SYS/monitor/+", "+/monitor/Clients", "/finance")) {
      sub("c", f);
    }
    assertThat(Collector.match(tree, "sport/tennis/player1").filters())
        .containsExactly("#", "sport/#", "sport/tennis/+", "sport/tennis/player1/#");
    assertThat(Collector.match(tree, "sport/tennis/player1/score/wimbledon").filters())
        .containsExactly("#", "sport/#", "sport/tennis/player1/#");
    assertThat(Collector.match(tree, "sport").filters()).containsExactly("#", "+", "sport/#");
    assertThat(Collector.match(tree, "sport/").filters()).containsExactly("#", "+/+", "sport/#", "sport/+");
    assertThat(Collector.match(tree, "/finance").filters()).containsExactly("#", "+/+", "/+", "/finance");
    // [MQTT-4.7.2-1] no leading wildcard reaches a $ topic.
    assertThat(Collector.match(tree, "$SYS/monitor/Clients").filters())
        .containsExactly("$SYS/#", "$SYS/monitor/+");
    assertThat(Collector.match(tree, "$SYS").filters()).containsExactly("$SYS/#");
  }

  @Test
  void plusMatchesEmptyLevels() {
    sub("c", "+/+/+");
    assertThat(Collector.match(tree, "//").filters()).containsExactly("+/+/+");
    assertThat(Collector.match(tree, "a//").filters()).containsExactly("+/+/+");
    assertThat(Collector.match(tree, "a/").filters()).isEmpty();
  }

  @Test
  void overlappingFiltersOfOneClientAreReportedPerFilter() {
    sub("c", "a/#");
    sub("c", "a/+");
    sub("d", "a/+");
    Collector c = Collector.match(tree, "a/b");
    assertThat(c.subscriptions).extracting(Subscription::clientId).containsExactlyInAnyOrder("c", "c", "d");
  }

  @Test
  void subscribeReplacesSameClientGroupAndFilter() {
    assertThat(tree.subscribe(Subscription.of("c", "a/b", 0))).isNull();
    Subscription replaced = tree.subscribe(Subscription.of("c", "a/b", 2));
    assertThat(replaced.qos()).isZero();
    assertThat(tree.subscriptionCount()).isEqualTo(1);
    assertThat(Collector.match(tree, "a/b").subscriptions).extracting(Subscription::qos).containsExactly(2);

    // Same client and filter but shared: a distinct subscription.
    assertThat(tree.subscribe(Subscription.shared("c", "g", "a/b", 1))).isNull();
    assertThat(tree.subscribe(Subscription.shared("c", "g", "a/b", 0)).qos()).isEqualTo(1);
    assertThat(tree.subscribe(Subscription.shared("c", "h", "a/b", 0))).isNull();
    assertThat(tree.subscriptionCount()).isEqualTo(3);
  }

  @Test
  void unsubscribeRemovesOnlyTheNamedSubscription() {
    sub("c", "a/b");
    sub("d", "a/b");
    tree.subscribe(Subscription.shared("c", "g", "a/b", 1));
    assertThat(tree.unsubscribe("c", null, "a/b")).isTrue();
    assertThat(tree.unsubscribe("c", null, "a/b")).isFalse();
    assertThat(tree.unsubscribe("x", null, "a/b")).isFalse();
    assertThat(tree.unsubscribe("c", null, "no/such")).isFalse();
    Collector c = Collector.match(tree, "a/b");
    assertThat(c.subscriptions).extracting(Subscription::clientId).containsExactly("d");
    assertThat(c.groups).hasSize(1);
    assertThat(tree.unsubscribe("c", "g", "a/b")).isTrue();
    assertThat(Collector.match(tree, "a/b").groups).isEmpty();
    assertThat(tree.subscriptionCount()).isEqualTo(1);
  }

  @Test
  void emptyNodesArePrunedAfterUnsubscribe() {
    sub("c", "a/b/c/d");
    sub("c", "a/b/+");
    sub("c", "a/#");
    tree.subscribe(Subscription.shared("d", "g", "a/b/x", 0));
    assertThat(tree.nodeCount()).isEqualTo(7); // a, b, c, d, +, #, x
    tree.unsubscribe("c", null, "a/b/c/d");
    assertThat(tree.nodeCount()).isEqualTo(5);
    tree.unsubscribe("d", "g", "a/b/x");
    tree.unsubscribe("c", null, "a/#");
    assertThat(tree.nodeCount()).isEqualTo(3);
    tree.unsubscribe("c", null, "a/b/+");
    assertThat(tree.nodeCount()).isZero();
    assertThat(tree.subscriptionCount()).isZero();
  }

  @Test
  void churnOnManySiblingsDoesNotGrowTheTree() {
    // Past TopicNode.ARRAY_LIMIT the children move to a map; it must shrink back too.
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 100; i++) {
        sub("c" + i, "dev/" + i + "/t");
      }
      assertThat(tree.nodeCount()).isEqualTo(201);
      assertThat(Collector.match(tree, "dev/42/t").subscriptions).extracting(Subscription::clientId)
          .containsExactly("c42");
      for (int i = 0; i < 100; i++) {
        assertThat(tree.unsubscribe("c" + i, null, "dev/" + i + "/t")).isTrue();
      }
      assertThat(tree.nodeCount()).isZero();
    }
  }

  @Test
  void sharedGroupsAreOnePerNameAndFilter() {
    tree.subscribe(Subscription.shared("a", "g", "s/+", 1));
    tree.subscribe(Subscription.shared("b", "g", "s/+", 1));
    tree.subscribe(Subscription.shared("c", "g", "s/#", 1));
    tree.subscribe(Subscription.shared("d", "h", "s/+", 1));
    Collector c = Collector.match(tree, "s/x");
    assertThat(c.subscriptions).isEmpty();
    Map<String, Set<String>> byGroup = new HashMap<>();
    for (SharedGroup g : c.groups) {
      byGroup.put(g.name() + " " + g.filter(), Set.copyOf(
          g.subscriptions().stream().map(Subscription::clientId).toList()));
    }
    assertThat(byGroup).containsOnly(
        Map.entry("g s/+", Set.of("a", "b")), Map.entry("g s/#", Set.of("c")), Map.entry("h s/+", Set.of("d")));
  }

  @Test
  void sharedGroupRoundRobinIsFair() {
    for (String m : List.of("a", "b", "c")) {
      tree.subscribe(Subscription.shared(m, "g", "t", 1));
    }
    SharedGroup g = Collector.match(tree, "t").groups.get(0);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(g.next(id -> true).clientId(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(Map.entry("a", 1000), Map.entry("b", 1000), Map.entry("c", 1000));
  }

  @Test
  void sharedGroupPrefersConnectedMembersAndFallsBack() {
    for (String m : List.of("a", "b", "c", "d")) {
      tree.subscribe(Subscription.shared(m, "g", "t", 1));
    }
    SharedGroup g = Collector.match(tree, "t").groups.get(0);
    Set<String> connected = Set.of("a", "c");
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 1000; i++) {
      counts.merge(g.next(connected::contains).clientId(), 1, Integer::sum);
    }
    // Only connected members, evenly, although a disconnected one sits between them.
    assertThat(counts).containsOnly(Map.entry("a", 500), Map.entry("c", 500));

    counts.clear();
    for (int i = 0; i < 400; i++) {
      counts.merge(g.next(id -> false).clientId(), 1, Integer::sum);
    }
    assertThat(counts).containsOnly(
        Map.entry("a", 100), Map.entry("b", 100), Map.entry("c", 100), Map.entry("d", 100));
  }

  @Test
  void emptiedSharedGroupIsRemovedAndReturnsNull() {
    tree.subscribe(Subscription.shared("a", "g", "t", 1));
    SharedGroup g = Collector.match(tree, "t").groups.get(0);
    tree.unsubscribe("a", "g", "t");
    assertThat(g.next(id -> true)).isNull();
    assertThat(Collector.match(tree, "t").groups).isEmpty();
    assertThat(tree.nodeCount()).isZero();
  }

  @Test
  void invalidFiltersAndShareNamesAreRejected() {
    assertThatThrownBy(() -> sub("c", "a/#/b")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.subscribe(Subscription.shared("c", "g/h", "a", 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> tree.subscribe(Subscription.shared("c", "", "a", 0)))
        .isInstanceOf(IllegalArgumentException.class);
    SubscriptionTree shallow = new SubscriptionTree(3);
    shallow.subscribe(Subscription.of("c", "a/b/c", 0));
    assertThatThrownBy(() -> shallow.subscribe(Subscription.of("c", "a/b/c/d", 0)))
        .hasMessageContaining("3 levels");
    assertThat(shallow.subscriptionCount()).isEqualTo(1);
  }
}
