package io.openegiz.flux.broker.config;

import java.nio.file.Path;
import java.util.List;

/** TEMPORARY stub until the config branch lands. */
public final class ConfigParser {
  public record Result(BrokerConfig config, List<String> warnings) {}
  public static Result parse(Path p) throws ConfigException { throw new ConfigException("not yet"); }
}
