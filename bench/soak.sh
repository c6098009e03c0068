#!/usr/bin/env bash
# Flotilla soak benchmark, not part of the CI run: a simulated fleet under steady change for half an hour.
#
# Starts PostgreSQL (embedded, io.zonky), Mosquitto (/usr/sbin/mosquitto, set up as deploy/broker/mosquitto.conf:
# no anonymous clients, the dynamic security plugin holding one identity per enrolled cluster; a plain listener on
# 127.0.0.1 instead of TLS), the packaged control plane re-augmented for PostgreSQL as its own process, and a
# simulated fleet (real agent code; each agent enrolls with its own key and logs in to the broker as itself). Once
# the fleet has converged on the first version of one FleetPolicy: a new version (image tag v2, v3, ...) every
# --policy-interval and --restarts-per-minute random agent restarts a minute, for --duration.
#
# Measures, one line a minute (and as CSV with --csv FILE): the control plane's RSS (VmRSS of /proc/PID/status) and
# heap after a full GC (jcmd PID GC.run, then GC.heap_info), the clusters that applied the newest generation the
# control plane wants on them, those behind, those stuck (a generation not applied for longer than --stuck-after,
# 2 policy intervals by default), and telemetry: reports the agents sent against flotilla_telemetry_reports_total
# on /q/metrics. Then a summary: RSS and heap after GC at minute 5 and at the end (memory should not grow after
# minute 5 beyond noise), stuck and lost generations (must be 0), telemetry loss. Exit status: 0 pass, 1 generations
# stuck or lost, 2 the soak could not run. The API is called with the admin token the control plane writes to its
# data folder (admin-token), as fleetctl does.
#
# Build first (from the repository root):
#   ./flotilla build
# Usage:
#   bench/soak.sh                                        # 1,000 clusters, 30 minutes, a change a minute
#   bench/soak.sh --clusters 200 --duration 3m --policy-interval 30s --csv soak.csv
#   bench/soak.sh --help                                 # every option
# Ports (127.0.0.1): HTTP 28080, MQTT 28883, PostgreSQL 28432; --http-port, --mqtt-port, --postgres-port change them.
# Environment: SOAK_XMX, the heap of the JVM running the fleet (default 2g); SOAK_JAVA_OPTS, more options for it;
# CP_APP, the quarkus-app folder to run (default control-plane/target/quarkus-app); BENCH_JAR, the benchmarks jar;
# KEEP_WORK=1 keeps the work folder (databases, broker files, logs) after a passing run too.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_command="./flotilla build"

SCRIPT=soak
source "$root/scripts/common.sh"
require_jdk
[ -x "$JAVA_HOME/bin/jcmd" ] || die "$JAVA_HOME has no jcmd: the soak reads the control plane's heap with it"

# the options this script checks; all of them go to SoakRun as they are
mosquitto=/usr/sbin/mosquitto
http_port=28080 mqtt_port=28883 pg_port=28432 clusters=1000 work= cp_app_arg=
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  a=${args[$i]} value=
  case "$a" in
    --help|-h)
      sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
      echo
      "$java" -cp "${BENCH_JAR:-$root/bench/target/benchmarks.jar}" io.flotilla.bench.soak.SoakRun --help 2>&1 \
        || echo "(build first for the list of options: $build_command)"
      exit 0 ;;
    --*=*) name=${a%%=*} value=${a#*=} ;;
    --*) name=$a; value=${args[$((i + 1))]:-} ;;
    *) name= ;;
  esac
  case "$name" in
    --mosquitto) mosquitto=$value ;;
    --http-port) http_port=$value ;;
    --mqtt-port) mqtt_port=$value ;;
    --postgres-port) pg_port=$value ;;
    --clusters) clusters=$value ;;
    --work-dir) work=$value ;;
    --control-plane-app) cp_app_arg=$value ;;
  esac
done

cp_app=${cp_app_arg:-${CP_APP:-$root/control-plane/target/quarkus-app}}
bench_jar=${BENCH_JAR:-$root/bench/target/benchmarks.jar}
[ -f "$cp_app/quarkus-run.jar" ] || die "the packaged control plane ($cp_app/quarkus-run.jar) is missing; build it:
  cd $root && $build_command"
[ -f "$bench_jar" ] || die "the benchmarks jar ($bench_jar) is missing; build it:
  cd $root && $build_command"
"$JAVA_HOME/bin/jar" tf "$bench_jar" | grep -q '^io/flotilla/bench/soak/SoakRun.class$' \
  || die "$bench_jar predates the soak (no io.flotilla.bench.soak.SoakRun); rebuild:
  cd $root && $build_command"
stale=$(find "$root/bench/src/main" "$root/simulator/src/main" "$root/edge-agent/src/main" -type f -newer "$bench_jar" 2>/dev/null | head -1 || true)
[ -z "$stale" ] || echo "soak: warning: $stale is newer than $bench_jar; rebuild with: $build_command" >&2
if [ -z "$cp_app_arg" ] && [ -z "${CP_APP:-}" ]; then
  stale=$(find "$root/control-plane/src/main" "$root/policy/src/main" "$root/placement/src/main" "$root/proto/src/main" \
    -type f -newer "$cp_app/quarkus-run.jar" 2>/dev/null | head -1 || true)
  [ -z "$stale" ] || echo "soak: warning: $stale is newer than the packaged control plane; rebuild with: $build_command" >&2
fi
[ -x "$mosquitto" ] || die "Mosquitto is not installed at $mosquitto: apt-get install mosquitto (Mosquitto 2, with its
dynamic security plugin), or name the binary with --mosquitto"
plugin_found=
for p in /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so /usr/lib/aarch64-linux-gnu/mosquitto_dynamic_security.so \
  /usr/lib/mosquitto_dynamic_security.so /usr/local/lib/mosquitto_dynamic_security.so; do
  [ -f "$p" ] && plugin_found=$p && break
done
[ -n "$plugin_found" ] || die "Mosquitto's dynamic security plugin (mosquitto_dynamic_security.so) was not found"
[ -r /proc/self/status ] || die "no /proc: the soak reads the control plane's RSS there (Linux only)"
for port in "$http_port" "$mqtt_port" "$pg_port"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    die "port $port on 127.0.0.1 is in use; choose others with --http-port, --mqtt-port, --postgres-port"
  fi
done
# every agent holds a socket, and so does the broker for it
[[ $clusters =~ ^[0-9]+$ ]] || clusters=1000
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((clusters + 1024)) ]; then
  echo "soak: warning: only $(ulimit -n) open files allowed; $clusters clusters want about $((clusters + 1024))" >&2
fi

own_work=false
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/flotilla-soak-XXXXXX")
  own_work=true
  args+=(--work-dir "$work")
fi
mkdir -p "$work"
[ -n "$cp_app_arg" ] || args+=(--control-plane-app "$cp_app")

soak_pid=
# the JVM's shutdown hook stops what it started; whatever survives it (the JVM killed outright) is ended here, by
# the pids it recorded, and only when the process is still what it was
cleanup() {
  local status=$? name pid comm
  trap - EXIT INT TERM
  if [ -n "$soak_pid" ] && kill -0 "$soak_pid" 2>/dev/null; then
    kill -TERM "$soak_pid" 2>/dev/null || true
    for ((i = 0; i < 600; i++)); do kill -0 "$soak_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$soak_pid" 2>/dev/null || true
  fi
  if [ -f "$work/pids" ]; then
    while read -r name pid; do
      comm=$(ps -p "$pid" -o comm= 2>/dev/null || true)
      case "$name:$comm" in
        mosquitto:mosquitto* | postgres:postgres* | control-plane*:java*)
          kill -TERM "$pid" 2>/dev/null || true ;;
      esac
    done < "$work/pids"
  fi
  if [ "$own_work" = true ] && { [ -z "$(ls -A "$work" 2>/dev/null)" ] || { [ "$status" -eq 0 ] && [ "${KEEP_WORK:-0}" != 1 ]; }; }; then
    rm -rf "$work"
  elif [ -d "$work" ]; then
    echo "work folder (logs, databases): $work" >&2
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# quiet: SLF4J has no provider here (embedded PostgreSQL logs nothing worth reading), and Netty's use of
# sun.misc.Unsafe is warned about from Java 24 on
jvm_quiet=(-Dslf4j.internal.verbosity=ERROR)
[ "$(java_major "$java")" -ge 23 ] && jvm_quiet+=(--sun-misc-unsafe-memory-access=allow)
# shellcheck disable=SC2086
"$java" -Xmx"${SOAK_XMX:-2g}" "${jvm_quiet[@]}" ${SOAK_JAVA_OPTS:-} -cp "$bench_jar" io.flotilla.bench.soak.SoakRun "${args[@]}" &
soak_pid=$!
status=0
wait "$soak_pid" || status=$?
soak_pid=
exit "$status"
