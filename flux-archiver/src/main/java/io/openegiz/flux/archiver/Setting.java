package io.openegiz.flux.archiver;

/**
 * One {@code key value} of the archiver's settings and where it came from, for error messages.
 *
 * @param origin {@code file:line} for a config file, or the command-line option, e.g. {@code --db}
 * @param key    the config key, e.g. {@code influx_url}
 * @param value  the text after the key
 */
public record Setting(String origin, String key, String value) {
}
