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

# The JVM options ./flux gives the broker (`flux broker`) before FLUX_JAVA_OPTS, chosen for 10,000 sensor
# connections on a small edge box (docs/decisions.md "The broker's JVM defaults", measured in docs/benchmarks.md
# "Memory at 10,000 connections"). An option of the same kind in FLUX_JAVA_OPTS replaces the default:
# a collector (-XX:+Use...GC), an initial heap (-Xms, -XX:InitialHeapSize, -XX:InitialRAMPercentage).
# The maximum heap stays the JVM's (a quarter of the memory) unless FLUX_JAVA_OPTS sets -Xmx.
flux_broker_java_opts() {
  local user="${FLUX_JAVA_OPTS:-}" opts=() major
  major=$(flux_java_major "$JAVA_HOME")
  case " $user " in
    *" -XX:+Use"*"GC "*) ;;
    *) # Serial, with a young generation of its own size: left to follow a small heap it stays at 4 MB and
       # collects a hundred times a second at 300,000 msg/s (10 % of the fan-in rate).
      opts+=("-XX:+UseSerialGC")
      case " $user " in *" -Xmn"* | *"NewSize"*) ;; *) opts+=("-Xmn16m") ;; esac ;;
  esac
  case " $user " in *" -Xms"* | *"InitialHeapSize"* | *"InitialRAMPercentage"*) ;; *) opts+=("-Xms32m") ;; esac
  if [ "${major:-0}" -ge 22 ]; then
    # Give back to the OS what the JIT compilers malloc'd and freed (glibc keeps it otherwise): about 10 MB.
    case " $user " in *"TrimNativeHeapInterval"*) ;; *) opts+=("-XX:TrimNativeHeapInterval=5000") ;; esac
  fi
  if [ "${major:-0}" -ge 25 ]; then
    case " $user " in *"CompactObjectHeaders"*) ;; *) opts+=("-XX:+UseCompactObjectHeaders") ;; esac
  fi
  echo "${opts[*]}"
}
