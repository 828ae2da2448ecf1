# shellcheck shell=bash
# Sourced by ./flux and by deploy/bin/flux (installed beside it): the JVM options the launchers give the broker
# (`flux broker`) before FLUX_JAVA_OPTS, chosen for 10,000 sensor
# connections on a small edge box (docs/decisions.md "The broker's JVM defaults", measured in docs/benchmarks.md
# "Memory at 10,000 connections"). An option of the same kind in FLUX_JAVA_OPTS replaces the default:
# a collector (-XX:+Use...GC), an initial heap (-Xms, -XX:InitialHeapSize, -XX:InitialRAMPercentage).
# The maximum heap stays the JVM's (a quarter of the memory) unless FLUX_JAVA_OPTS sets -Xmx.
# Usage: flux_broker_java_opts JAVA (the java executable that will run the broker).
flux_broker_java_opts() {
  local user="${FLUX_JAVA_OPTS:-}" opts=() major
  major=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)
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
