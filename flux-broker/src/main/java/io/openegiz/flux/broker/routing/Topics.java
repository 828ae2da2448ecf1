package io.openegiz.flux.broker.routing;

/** TEMPORARY stub. */
public final class Topics {
  private Topics() {}

  public record SharedFilter(String group, String filter) {}

  public static String validateTopicName(String t) {
    if (t.isEmpty()) return "topic name is empty";
    if (t.indexOf('+') >= 0 || t.indexOf('#') >= 0) return "topic name contains a wildcard";
    if (t.indexOf('\0') >= 0) return "topic name contains U+0000";
    return null;
  }

  public static String validateTopicFilter(String f) {
    if (f.isEmpty()) return "topic filter is empty";
    String[] lv = f.split("/", -1);
    for (int i = 0; i < lv.length; i++) {
      String l = lv[i];
      if (l.contains("#") && (!l.equals("#") || i != lv.length - 1)) return "'#' must be the last level, alone";
      if (l.contains("+") && !l.equals("+")) return "'+' must be alone in its level";
    }
    return null;
  }

  public static SharedFilter parseShared(String filter) {
    if (!filter.startsWith("$share/")) return new SharedFilter(null, filter);
    int slash = filter.indexOf('/', 7);
    if (slash < 0) throw new IllegalArgumentException("shared subscription without a filter");
    return new SharedFilter(filter.substring(7, slash), filter.substring(slash + 1));
  }

  public static boolean matches(String filter, String topic) {
    if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) return false;
    String[] f = filter.split("/", -1);
    String[] t = topic.split("/", -1);
    for (int i = 0; i < f.length; i++) {
      if (f[i].equals("#")) return true;
      if (i >= t.length) return false;
      if (!f[i].equals("+") && !f[i].equals(t[i])) return false;
    }
    return f.length == t.length;
  }
}
