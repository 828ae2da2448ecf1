package io.openegiz.flux.broker.config;

import static org.assertj.core.api.Assertions.fail;

import java.util.List;

/** Configuration lines parsed as a file called {@code flux.conf}, for the parser tests. */
final class ConfigLines {
  private ConfigLines() {}

  static ConfigParser.Result parse(String... lines) throws ConfigException {
    return ConfigParser.parse("flux.conf", List.of(lines));
  }

  static BrokerConfig config(String... lines) throws ConfigException {
    return parse(lines).config();
  }

  /** The errors of lines that must not parse; the test fails when they do parse. */
  static List<String> errors(String... lines) {
    try {
      parse(lines);
    } catch (ConfigException e) {
      return e.errors();
    }
    return fail("expected a ConfigException for %s", List.of(lines));
  }
}
