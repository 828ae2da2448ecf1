package io.openegiz.flux.broker.http;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@code /health} reports: ready when every check is "ok"; each check names a part and its state.
 *
 * @param checks part name to state ("ok", or what is wrong: "stopping", "unavailable" ...), in order
 */
public record Health(Map<String, String> checks) {
  public static final String OK = "ok";

  public Health {
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
  }

  public boolean ready() {
    return checks.values().stream().allMatch(OK::equals);
  }
}
