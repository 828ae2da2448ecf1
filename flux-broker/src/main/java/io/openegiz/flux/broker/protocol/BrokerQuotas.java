package io.openegiz.flux.broker.protocol;

import io.openegiz.flux.broker.routing.RetainedQuota;
import io.openegiz.flux.broker.security.PublishBuckets;
import io.openegiz.flux.broker.session.PersistentSessionQuota;

/**
 * The broker-wide state behind the per-identity quotas (issue 8, item 3), shared by every connection.
 *
 * @param retained who set each retained message, counted against max_retained_* limits
 * @param persistentSessions persistent sessions per identity
 * @param publishRates the publish-rate buckets, one per identity (SEC-5)
 */
public record BrokerQuotas(RetainedQuota retained, PersistentSessionQuota persistentSessions,
    PublishBuckets publishRates) {}
