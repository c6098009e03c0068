#!/usr/bin/env bash
# Fleet-at-scale convergence benchmark: Mosquitto + the packaged control plane (H2, external broker) +
# N simulated clusters in one JVM. Prints p50/p99/max convergence, the raw Mosquitto fan-out of the same
# messages, their ratio, and the control plane's RSS. Build first: ./flotilla build
# CP_APP (a quarkus-app folder) and BENCH_JAR override the built ones; SIM_XMX sets the fleet JVM heap (2g), CP_XMX
# the control plane's (1g). JFR_DIR=folder records a JFR profile of
# the control plane (control-plane.jfr) and of the benchmark with its simulated fleet (fleet.jfr) there.
# Usage: bench/scale-bench.sh [CLUSTERS] [HTTP_PORT] [MQTT_PORT]
set -euo pipefail
clusters=${1:-1000}
http_port=${2:-18080}
mqtt_port=${3:-19033}
root=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=scale-bench
source "$root/scripts/common.sh"
require_jdk
cp_app=${CP_APP:-$root/control-plane/target/quarkus-app}
bench_jar=${BENCH_JAR:-$root/bench/target/benchmarks.jar}
require_command /usr/sbin/mosquitto "apt-get install -y mosquitto"
require_command curl "apt-get install -y curl"
require_built "$cp_app/quarkus-run.jar" "./flotilla build"
require_built "$bench_jar" "./flotilla build"
# each simulated agent holds an MQTT socket, and a file while it stores a desired state: up to 2 per cluster
want_fds=$((clusters * 2 + 2000))
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
    ulimit -n "$want_fds" 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fi
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((clusters + 2000)) ]; then
    die "$clusters clusters need at least $((clusters + 2000)) open files (better $want_fds); this shell allows $(ulimit -n), hard limit $(ulimit -Hn): raise it (ulimit -Hn as root, LimitNOFILE) or simulate fewer clusters"
elif [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt "$want_fds" ]; then
    echo "scale-bench: open files limited to $(ulimit -n) (hard limit), under the $want_fds that $clusters clusters may use at once: agents that cannot store a desired state refuse it and get it again, which shows in the results" >&2
fi
work=$(mktemp -d)
cp_jfr=() sim_jfr=()
if [ -n "${JFR_DIR:-}" ]; then
    mkdir -p "$JFR_DIR"
    cp_jfr=(-XX:StartFlightRecording=filename="$JFR_DIR/control-plane.jfr",settings=profile)
    sim_jfr=(-XX:StartFlightRecording=filename="$JFR_DIR/fleet.jfr",settings=profile)
fi
# LOG_DIR=folder keeps the control plane's and Mosquitto's logs
trap 'kill $cp_pid $mq_pid 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${LOG_DIR:-}" ] && mkdir -p "$LOG_DIR" && cp "$work"/*.log "$LOG_DIR"/; rm -rf "$work"' EXIT

cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
max_connections -1
max_queued_messages 100000
max_inflight_messages 0
CONF
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
mq_pid=$!

# The simulated agents send no telemetry (it would compete for the same 2 cores), and telemetry is an agent's
# heartbeat: with the default 90 s timeout, clusters that had converged and then sat idle were counted offline and,
# after the 5-minute grace, placement removed their workloads in the middle of the measurement. So no heartbeat
# timeout during the benchmark; presence (will messages) still marks clusters offline.
# REPLACEMENTS=K [POLICIES=P]: afterwards, P small policies (1000) in place of the benchmark's own, then K times one
# cluster offline beyond the grace and back
replace_opts=() replace_args=()
if [ "${REPLACEMENTS:-0}" -gt 0 ]; then
    replace_opts=(-Dflotilla.placement.offline-grace="${OFFLINE_GRACE:-5s}")
    replace_args=(--replacements "$REPLACEMENTS" --policies "${POLICIES:-1000}")
fi
"$java" -Xmx"${CP_XMX:-1g}" "${cp_jfr[@]}" "${replace_opts[@]}" -Dquarkus.http.port="$http_port" -Dflotilla.broker.embedded=false -Dflotilla.broker.port="$mqtt_port" \
    -Dflotilla.data-dir="$work/cp" -Dquarkus.log.level=WARN -Dflotilla.fleet.heartbeat-timeout=1h \
    -jar "$cp_app/quarkus-run.jar" > "$work/control-plane.log" 2>&1 &
cp_pid=$!
wait_ready "http://127.0.0.1:$http_port/q/health/ready" "$cp_pid" "$work/control-plane.log" 240
echo "load before: $(uptime)"
"$java" -Xmx"${SIM_XMX:-2g}" "${sim_jfr[@]}" -cp "$bench_jar" io.flotilla.bench.scale.ConvergenceBenchmark \
    --clusters "$clusters" --control-plane "http://127.0.0.1:$http_port" --broker "tcp://127.0.0.1:$mqtt_port" \
    --control-plane-pid "$cp_pid" --broker-pid "$mq_pid" --token "$(admin_token "$work/cp")" "${replace_args[@]}"
echo "load after: $(uptime)"
