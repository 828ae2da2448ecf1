package io.openegiz.flux.benchmarks;

import io.openegiz.flux.broker.routing.MatchSink;
import io.openegiz.flux.broker.routing.SharedGroup;
import io.openegiz.flux.broker.message.Subscription;

/** A sink that only counts, so benchmarks measure the walk and not a collection. */
final class CountingSink implements MatchSink {

  int count;

  @Override
  public void subscription(Subscription s) {
    count++;
  }

  @Override
  public void sharedGroup(SharedGroup g) {
    count++;
  }
}
