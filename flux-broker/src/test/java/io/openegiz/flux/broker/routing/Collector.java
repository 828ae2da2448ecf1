package io.openegiz.flux.broker.routing;

import java.util.ArrayList;
import java.util.List;
import io.openegiz.flux.broker.message.Subscription;

/** Test sink that keeps what {@link SubscriptionTree#match} reports. */
final class Collector implements MatchSink {

  final List<Subscription> subscriptions = new ArrayList<>();
  final List<SharedGroup> groups = new ArrayList<>();

  static Collector match(SubscriptionTree tree, String topic) {
    Collector c = new Collector();
    tree.match(topic, c);
    return c;
  }

  @Override
  public void subscription(Subscription s) {
    subscriptions.add(s);
  }

  @Override
  public void sharedGroup(SharedGroup g) {
    groups.add(g);
  }

  List<String> filters() {
    return subscriptions.stream().map(Subscription::filter).sorted().toList();
  }
}
