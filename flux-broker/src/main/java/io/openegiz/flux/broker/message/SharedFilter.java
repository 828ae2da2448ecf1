package io.openegiz.flux.broker.message;

/**
 * A topic filter split from its optional {@code $share/{group}/} prefix.
 *
 * @param group the share name, or null when the filter is not a shared subscription
 * @param filter the topic filter proper, without the prefix
 */
public record SharedFilter(String group, String filter) {

  /** True when the original filter was a shared subscription. */
  public boolean isShared() {
    return group != null;
  }
}
