#!/usr/bin/env bash
# flux: the Flux command. Finds a JDK >= 21, builds Flux on first use or when sources changed,
# then runs the CLI with the given arguments (./flux --help).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$ROOT/bin/java-env.sh"
. "$ROOT/bin/broker-jvm-opts.sh"
flux_find_jdk

JAR="$ROOT/flux-cli/target/flux-cli.jar"
STAMP="$ROOT/flux-cli/target/.flux-build-stamp"
needs_build() {
  [ -f "$JAR" ] && [ -f "$STAMP" ] || return 0
  # Any source, resource or pom newer than the last build means a rebuild.
  [ -n "$(find "$ROOT" -path "$ROOT/.git" -prune -o -path '*/target' -prune -o \
      \( -name '*.java' -o -name 'pom.xml' -o -path '*/src/main/resources/*' \) -newer "$STAMP" -print -quit)" ]
}
if needs_build; then
  echo "flux: building (first run or sources changed)..." >&2
  rm -rf "$ROOT/flux-cli/target/lib" # the runtime class path is exactly what Maven resolves now, no stale jar
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -Dspotless.check.skip=true -Dcheckstyle.skip=true -pl flux-cli -am install) >&2
  touch "$STAMP"
fi
DEFAULTS=""
[ "${1:-}" = broker ] && DEFAULTS="$(flux_broker_java_opts "$JAVA_HOME/bin/java")"
# FLUX_LAUNCHER: benchmarks start their Flux broker through this script, so that it runs as ./flux runs it.
export FLUX_LAUNCHER="$ROOT/flux"
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED $DEFAULTS ${FLUX_JAVA_OPTS:-} \
  -cp "$JAR:$ROOT/flux-cli/target/lib/*" io.openegiz.flux.cli.FluxCommand "$@"
