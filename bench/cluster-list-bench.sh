#!/usr/bin/env bash
# The cluster listing at fleet scale: the packaged control plane (embedded broker, H2) with CLUSTERS clusters
# registered through its API, then GET /api/v1/clusters pages of 100 (every page in order, pages at random,
# filtered pages), the whole unpaged listing, and GET /api/v1/clusters/{id} as the same run's reference.
# Build first: ./flotilla build. LOG_DIR=folder keeps the control plane's log.
# Usage: bench/cluster-list-bench.sh [CLUSTERS] [HTTP_PORT] [MQTT_PORT]
set -euo pipefail
clusters=${1:-10000}
http_port=${2:-18080}
mqtt_port=${3:-19034}
root=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=cluster-list-bench
source "$root/scripts/common.sh"
require_jdk
require_command curl "apt-get install -y curl"
cp_app=${CP_APP:-$root/control-plane/target/quarkus-app}
bench_jar=${BENCH_JAR:-$root/bench/target/benchmarks.jar}
require_built "$cp_app/quarkus-run.jar" "./flotilla build"
require_built "$bench_jar" "./flotilla build"
work=$(mktemp -d)
trap 'kill ${cp_pid:-} 2>/dev/null || true; wait 2>/dev/null || true; [ -n "${LOG_DIR:-}" ] && mkdir -p "$LOG_DIR" && cp "$work"/*.log "$LOG_DIR"/; rm -rf "$work"' EXIT

"$java" -Xmx1g -Dquarkus.http.port="$http_port" -Dflotilla.broker.port="$mqtt_port" -Dflotilla.data-dir="$work/cp" \
    -Dquarkus.log.level=WARN -jar "$cp_app/quarkus-run.jar" > "$work/control-plane.log" 2>&1 &
cp_pid=$!
wait_ready "http://127.0.0.1:$http_port/q/health/ready" "$cp_pid" "$work/control-plane.log" 240
echo "load before: $(uptime)"
"$java" -Xmx512m -cp "$bench_jar" io.flotilla.bench.scale.ClusterListBenchmark --clusters "$clusters" \
    --control-plane "http://127.0.0.1:$http_port" --token "$(admin_token "$work/cp")"
echo "control-plane RSS: $(grep VmRSS /proc/$cp_pid/status | awk '{print $2, $3}')"
echo "load after: $(uptime)"
