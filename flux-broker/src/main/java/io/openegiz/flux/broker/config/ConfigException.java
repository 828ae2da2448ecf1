package io.openegiz.flux.broker.config;

/** TEMPORARY stub until the config branch lands. */
public final class ConfigException extends Exception {
  public ConfigException(String m) { super(m); }
}
