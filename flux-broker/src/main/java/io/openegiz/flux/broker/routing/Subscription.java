package io.openegiz.flux.broker.routing;

/** One client's subscription to one filter (TEMPORARY stub, replaced by the routing branch). */
public record Subscription(String clientId, String filter, String shareGroup, int qos, boolean noLocal,
    boolean retainAsPublished, int retainHandling, int subscriptionId) {}
