#!/usr/bin/env bash
# The inference router's overhead, in one run: wrk against the same OpenAI-shaped stand-in model server
#   1. directly,  2. through Flotilla's /v1 router,  3. through nginx proxy_pass (keep-alive upstream)
# at a few concurrency levels. Prints a markdown table: p50/p99 latency, throughput, and the added p50/p99
# (through minus direct at the same percentile, from the same run), and each proxy's own CPU time per request (from
# /proc: Flotilla's process, nginx's master and workers), which other work on the machine disturbs far less than req/s.
#
# Needs: built jars (./flotilla build), nginx and wrk (apt-get install -y nginx wrk), python3, curl. Ports are overridable: FLOTILLA_HTTP_PORT (28080), FLOTILLA_BROKER_PORT (19133), NGINX_PORT (28090).
# ROUTER_PORT (e.g. 28081) serves /v1 on a port of its own (flotilla.router.port, the Helm chart's router.enabled)
# instead of the API port, as production deployments do; FLOTILLA_JAVA_OPTS adds JVM options (a profiler, say).
#   DURATION=10s CONNECTIONS="1 16 64" bench/router/run.sh
#   ROUTER_PORT=28081 bench/router/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
SCRIPT=bench/router/run.sh
source scripts/common.sh
require_jdk

HTTP_PORT=${FLOTILLA_HTTP_PORT:-28080}
BROKER_PORT=${FLOTILLA_BROKER_PORT:-19133}
NGINX_PORT=${NGINX_PORT:-28090}
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-5s}
CONNECTIONS=${CONNECTIONS:-"1 16 64"}
THREADS=${THREADS:-2}
ROUTER_PORT=${ROUTER_PORT:-}
ROUTER_OPTS=()
[ -n "$ROUTER_PORT" ] && ROUTER_OPTS=(-Dflotilla.router.port="$ROUTER_PORT" -Dflotilla.router.host=127.0.0.1)
CP_JAR=control-plane/target/quarkus-app/quarkus-run.jar
SIMULATOR_JAR=simulator/target/flotilla-simulator.jar

for tool in nginx wrk curl python3; do
  require_command "$tool" "apt-get install -y $tool"
done
require_built "$CP_JAR" "./flotilla build"
require_built "$SIMULATOR_JAR" "./flotilla build"

WORK=$(mktemp -d /tmp/flotilla-router-bench.XXXXXX)
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "starting the control plane on :$HTTP_PORT ..." >&2
# a tenant of the benchmark's own with a fresh key (from the environment: not in the process list); the stand-in
# model server listens on loopback
API_KEY="sk-bench-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
# shellcheck disable=SC2086 # FLOTILLA_JAVA_OPTS is a list of options
BENCH_ROUTER_KEY="$API_KEY" "$java" ${FLOTILLA_JAVA_OPTS:-} "${ROUTER_OPTS[@]}" -Dquarkus.http.port="$HTTP_PORT" -Dflotilla.broker.port="$BROKER_PORT" \
  -Dflotilla.data-dir="$WORK/cp" -Dflotilla.router.allowed-endpoints=127.0.0.0/8 \
  '-Dflotilla.router.tenants.bench.api-keys=${BENCH_ROUTER_KEY}' \
  -Dquarkus.log.level=WARN -jar "$CP_JAR" >"$WORK/cp.log" 2>&1 &
CP_PID=$!
PIDS+=($CP_PID)
wait_ready "http://127.0.0.1:$HTTP_PORT/q/health/ready" "$!" "$WORK/cp.log"
TOKEN=$(admin_token "$WORK/cp")
AUTH="Authorization: Bearer $TOKEN"

echo "starting one simulated cluster (sim-ahmedabad-1) with its stand-in model server ..." >&2
"$java" -jar "$SIMULATOR_JAR" --clusters 1 --prefix bench --token "$TOKEN" \
  --control-plane "http://127.0.0.1:$HTTP_PORT" --broker "tcp://127.0.0.1:$BROKER_PORT" --telemetry-interval 0 \
  --ready-delay 1s >"$WORK/sim.log" 2>&1 &
PIDS+=($!)

curl -fsS -o /dev/null -H "$AUTH" -H 'Content-Type: application/yaml' "http://127.0.0.1:$HTTP_PORT/api/v1/policies" --data-binary @- <<'EOF'
apiVersion: flotilla.io/v1alpha1
kind: FleetPolicy
metadata:
  name: bench
spec:
  workload:
    model: stand-in
    image: vllm/vllm-openai:v0.8.5
    resources: { gpu: 1, gpuMemoryGiB: 24, cpu: "4", memory: 16Gi }
  placement:
    jurisdictions: [IN]
    minClusters: 1
    maxClusters: 1
  routing:
    alias: bench
EOF

UPSTREAM=""
for _ in $(seq 1 120); do
  UPSTREAM=$(curl -fsS -H "$AUTH" "http://127.0.0.1:$HTTP_PORT/api/v1/route?model=bench&site=ahmedabad" 2>/dev/null \
    | python3 -c 'import json,sys; c=json.load(sys.stdin)["candidates"]; print(c[0]["endpoint"] if c else "")' 2>/dev/null || true)
  [ -n "$UPSTREAM" ] && break
  sleep 1
done
[ -n "$UPSTREAM" ] || { echo "bench/router/run.sh: the simulated cluster never reported its endpoint; logs in $WORK" >&2; exit 1; }
echo "upstream stand-in: $UPSTREAM" >&2

mkdir -p "$WORK/nginx"
cat >"$WORK/nginx.conf" <<EOF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/nginx;
  proxy_temp_path $WORK/nginx;
  upstream standin { server ${UPSTREAM#http://}; keepalive 256; }
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / {
      proxy_pass http://standin;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
EOF
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx"

cat >"$WORK/post.lua" <<'EOF'
wrk.method = "POST"
wrk.body = '{"model":"bench","messages":[{"role":"user","content":"Say hello."}],"max_tokens":16}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Flotilla-Client-Location"] = "ahmedabad"
EOF
echo "wrk.headers[\"Authorization\"] = \"Bearer $API_KEY\"" >>"$WORK/post.lua"

DIRECT="$UPSTREAM/v1/chat/completions"
FLOTILLA="http://127.0.0.1:${ROUTER_PORT:-$HTTP_PORT}/v1/chat/completions"
NGINX="http://127.0.0.1:$NGINX_PORT/v1/chat/completions"
curl -fsS -i "$FLOTILLA" -H "Authorization: Bearer $API_KEY" -H 'Content-Type: application/json' -H 'X-Flotilla-Client-Location: ahmedabad' \
  -d '{"model":"bench","messages":[]}' | grep -i '^x-flotilla-cluster' >&2
curl -fsS -o /dev/null "$NGINX" -H 'Content-Type: application/json' -d '{"model":"bench","messages":[]}'

# wrk's "50%  123.45us" -> milliseconds
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.3f", v}'; }

# CPU time (user + system, clock ticks) the given processes have used so far
cpu_ticks() { for pid in "$@"; do cat "/proc/$pid/stat"; done | awk '{sub(/^.*\) /, ""); t += $12 + $13} END {print t + 0}'; }
TICKS_PER_S=$(getconf CLK_TCK)

run() { # URL CONNECTIONS [PID...] -> "p50 p99 rps cpu" where cpu is the PIDs' CPU µs per request ("-" without PIDs)
  local url=$1 c=$2
  shift 2
  local t=$(( c < THREADS ? c : THREADS ))
  wrk -t"$t" -c"$c" -d"$WARMUP" -s "$WORK/post.lua" "$url" >/dev/null
  local out before after
  before=$(cpu_ticks "$@")
  out=$(wrk -t"$t" -c"$c" -d"$DURATION" --latency -s "$WORK/post.lua" "$url")
  after=$(cpu_ticks "$@")
  if echo "$out" | grep -q "Non-2xx"; then echo "bench/router/run.sh: non-2xx answers from $url:" >&2; echo "$out" >&2; exit 1; fi
  local p50 p99 rps requests cpu="-"
  p50=$(echo "$out" | awk '$1=="50%" {print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1=="99%" {print $2}' | to_ms)
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [ $# -gt 0 ] && cpu=$(awk -v d=$((after - before)) -v hz="$TICKS_PER_S" -v n="$requests" 'BEGIN {printf "%.0f", d / hz * 1e6 / n}')
  echo "$p50 $p99 $rps $cpu"
}

echo "router on $([ -n "$ROUTER_PORT" ] && echo "its own port ($ROUTER_PORT)" || echo "the API port ($HTTP_PORT)"), receipts recorded: ${FLOTILLA_ROUTER_RECEIPTS_RECORD:-sampled (the default)}"
echo "load before: $(uptime)"
echo
# the proxies' own CPU per request: a measure that other work on the machine disturbs far less than req/s
NGINX_PIDS=("$(cat "$WORK/nginx.pid")")
mapfile -t -O 1 NGINX_PIDS < <(pgrep -P "${NGINX_PIDS[0]}")
echo "| connections | path | p50 ms | p99 ms | req/s | added p50 ms | added p99 ms | vs nginx req/s | proxy CPU µs/req |"
echo "|---|---|---|---|---|---|---|---|---|"
for c in $CONNECTIONS; do
  read -r d50 d99 drps _ < <(run "$DIRECT" "$c")
  read -r f50 f99 frps fcpu < <(run "$FLOTILLA" "$c" "$CP_PID")
  read -r n50 n99 nrps ncpu < <(run "$NGINX" "$c" "${NGINX_PIDS[@]}")
  echo "| $c | direct | $d50 | $d99 | $drps | | | | |"
  awk -v c="$c" -v p50="$f50" -v p99="$f99" -v rps="$frps" -v d50="$d50" -v d99="$d99" -v nrps="$nrps" -v cpu="$fcpu" \
    'BEGIN {printf "| %s | Flotilla | %s | %s | %s | %.3f | %.3f | %.2f | %s |\n", c, p50, p99, rps, p50-d50, p99-d99, rps/nrps, cpu}'
  awk -v c="$c" -v p50="$n50" -v p99="$n99" -v rps="$nrps" -v d50="$d50" -v d99="$d99" -v cpu="$ncpu" \
    'BEGIN {printf "| %s | nginx | %s | %s | %s | %.3f | %.3f | 1.00 | %s |\n", c, p50, p99, rps, p50-d50, p99-d99, cpu}'
done
echo
echo "load after: $(uptime)"
# the router's own measure (arrival to upstream send, plus upstream headers to ours) over every request above
curl -fsS -H "$AUTH" "http://127.0.0.1:$HTTP_PORT/q/metrics" | python3 -c '
import re, sys
buckets, count, total = [], 0.0, 0.0
for line in sys.stdin:
    m = re.match(r"flotilla_router_added_latency_seconds_bucket\{.*le=\"([^\"]+)\".*\} (\S+)", line)
    if m and m.group(1) != "+Inf":
        buckets.append((float(m.group(1)), float(m.group(2))))
    elif line.startswith("flotilla_router_added_latency_seconds_count"):
        count = float(line.split()[-1])
    elif line.startswith("flotilla_router_added_latency_seconds_sum"):
        total = float(line.split()[-1])
buckets.sort()
def q(p):
    for le, n in buckets:
        if n >= p * count:
            return le * 1000
    return float("nan")
print("router-measured added latency over %d requests: p50 <= %.3f ms, p99 <= %.3f ms, mean %.3f ms (histogram bucket bounds)"
      % (count, q(0.5), q(0.99), total / count * 1000 if count else float("nan")))
'
