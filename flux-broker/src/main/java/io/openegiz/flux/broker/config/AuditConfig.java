package io.openegiz.flux.broker.config;

/**
 * The audit log (FR-5.5, SEC-6) and how it is kept from flooding the disk.
 *
 * @param target a file path, or "-" for standard error (audit_log)
 * @param maxBytes size at which the file is rotated; 0 = never (audit_log_max_size)
 * @param keep rotated files kept beside the current one (audit_log_keep)
 * @param denialsInFull distinct ACL denials per connection written one line each; the rest are
 *     counted into summary lines (audit_denials_in_full)
 * @param summarySeconds how often a connection's counted denials are written as one summary line
 *     (audit_denial_summary_interval)
 */
public record AuditConfig(String target, long maxBytes, int keep, int denialsInFull, int summarySeconds) {
  public static final long DEFAULT_MAX_BYTES = 100L * 1024 * 1024;
  public static final int DEFAULT_KEEP = 5;
  public static final int DEFAULT_DENIALS_IN_FULL = 10;
  public static final int DEFAULT_SUMMARY_SECONDS = 60;

  /** The defaults, writing to {@code target}. */
  public static AuditConfig defaults(String target) {
    return new AuditConfig(target, DEFAULT_MAX_BYTES, DEFAULT_KEEP, DEFAULT_DENIALS_IN_FULL, DEFAULT_SUMMARY_SECONDS);
  }
}
