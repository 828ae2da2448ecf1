# Sourced by ./flux and ./run-tests: finds a JDK >= 21 and exports JAVA_HOME for it.
# Order: $JAVA_HOME if it is new enough, then the JDKs installed under /usr/lib/jvm (newest first),
# then the java on PATH.

flux_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1
}

flux_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  local d
  for d in $(ls -d /usr/lib/jvm/*/ 2>/dev/null | sort -rV); do candidates+=("${d%/}"); done
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local c major
  for c in "${candidates[@]}"; do
    [ -x "$c/bin/java" ] && [ -x "$c/bin/javac" ] || continue
    major=$(flux_java_major "$c")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$c"
      # Maven's own Guice calls sun.misc.Unsafe; JDK 24+ warns about it on every build.
      if [ "$major" -ge 24 ]; then
        export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow ${MAVEN_OPTS:-}"
      fi
      return 0
    fi
  done
  echo "flux: no JDK 21 or newer found (looked at \$JAVA_HOME, /usr/lib/jvm/*, javac on PATH)." >&2
  echo "flux: install one (e.g. Temurin 25) or set JAVA_HOME to it." >&2
  return 1
}
