package io.openegiz.flux.broker.protocol;

import io.netty.util.concurrent.ScheduledFuture;
import io.openegiz.flux.broker.config.AuditConfig;
import io.openegiz.flux.broker.security.AuditLog;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * One connection's ACL denials in the audit log, bounded (issue 8, item 4): the first
 * {@code audit_denials_in_full} distinct (action, topic) pairs get a line each; every other denial —
 * repeats and further topics — is counted and written as one summary line per
 * {@code audit_denial_summary_interval}, and a last one when the connection ends. So a client that
 * sends 680,000 denied filters costs a few lines, not 155 MB. Lives on the connection's event loop.
 */
final class DenialAudit {
  private final MqttConnectionHandler c;
  private final AuditConfig config;
  private final Set<String> inFull = new HashSet<>();
  private final Map<String, Long> counted = new TreeMap<>();
  private String lastTopic;
  private ScheduledFuture<?> summary;

  DenialAudit(MqttConnectionHandler c, AuditConfig config) {
    this.c = c;
    this.config = config;
  }

  void denied(String action, String topic) {
    if (inFull.size() < config.denialsInFull() && inFull.add(action + " " + topic)) {
      c.audit(AuditLog.Event.ACL_DENIED, "denied", Map.of("action", action, "topic", topic));
      return;
    }
    counted.merge(action, 1L, Long::sum);
    lastTopic = topic;
    if (summary == null) {
      summary = c.executor().schedule(this::summarise, config.summarySeconds(), TimeUnit.SECONDS);
    }
  }

  /** Writes what was counted since the last summary as one line: totals per action and the last topic. */
  private void summarise() {
    summary = null;
    if (counted.isEmpty()) {
      return;
    }
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("summary", true);
    fields.put("repeated", counted.values().stream().mapToLong(Long::longValue).sum());
    counted.forEach((action, n) -> fields.put(action, n));
    fields.put("last_topic", lastTopic);
    c.audit(AuditLog.Event.ACL_DENIED, "denied", fields);
    counted.clear();
  }

  /** The connection ended: the final summary, if anything is counted. */
  void close() {
    if (summary != null) {
      summary.cancel(false);
    }
    summarise();
  }
}
