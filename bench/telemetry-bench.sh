#!/usr/bin/env bash
# Telemetry ingestion benchmark: a private PostgreSQL 15 (Debian's binaries, run as user postgres), Mosquitto,
# and the packaged control plane re-augmented for PostgreSQL (a copy of its mutable jar); then
# TelemetryIngestBenchmark publishes telemetry and compares the rows landed per second with a raw COPY.
# Build first: ./flotilla build. Runs as root (PostgreSQL runs as the user postgres, through runuser).
# CP_APP (a quarkus-app folder) and BENCH_JAR override the built ones. JFR_DIR=folder records a JFR profile of
# the control plane there (control-plane.jfr). LOG_DIR=folder keeps the control plane's, Mosquitto's and PostgreSQL's logs.
# RATE=samples/s paces the publishers (all together) instead of publishing as fast as the broker takes it: a rate
# the control plane sustains shows 0 dropped samples.
# Usage: bench/telemetry-bench.sh [DURATION_ISO8601] [HTTP_PORT] [MQTT_PORT] [PG_PORT]
set -euo pipefail
duration=${1:-PT30S}
http_port=${2:-18080}
mqtt_port=${3:-19033}
pg_port=${4:-19035}
root=$(cd "$(dirname "$0")/.." && pwd)
SCRIPT=telemetry-bench
source "$root/scripts/common.sh"
require_jdk
cp_app=${CP_APP:-$root/control-plane/target/quarkus-app}
bench_jar=${BENCH_JAR:-$root/bench/target/benchmarks.jar}
require_command /usr/sbin/mosquitto "apt-get install -y mosquitto"
require_command curl "apt-get install -y curl"
require_command runuser "it is part of util-linux"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || die "PostgreSQL's server binaries are missing: apt-get install -y postgresql"
id postgres >/dev/null 2>&1 || die "there is no user postgres to run PostgreSQL as: apt-get install -y postgresql"
[ "$(id -u)" -eq 0 ] || die "run as root: PostgreSQL is started as the user postgres through runuser"
require_built "$cp_app/quarkus-run.jar" "./flotilla build"
require_built "$bench_jar" "./flotilla build"
work=$(mktemp -d)
chmod 755 "$work"
cleanup() {
    kill "${rss_pid:-}" "${cp_pid:-}" "${mq_pid:-}" 2>/dev/null || true
    runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop > /dev/null 2>&1 || true
    wait 2>/dev/null || true
    if [ -n "${LOG_DIR:-}" ]; then
        mkdir -p "$LOG_DIR" && cp "$work"/*.log "$LOG_DIR"/ && cp "$work/pg/server.log" "$LOG_DIR/postgresql.log" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

mkdir "$work/pg" && chown postgres "$work/pg"
runuser -u postgres -- "$pg_bin/initdb" -D "$work/pg" -U postgres --auth=trust > "$work/initdb.log"
runuser -u postgres -- "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg/server.log" -w \
    -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1 -c synchronous_commit=off -c shared_buffers=256MB" start > /dev/null
jdbc="jdbc:postgresql://127.0.0.1:$pg_port/postgres"

cat > "$work/mosquitto.conf" <<CONF
listener $mqtt_port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 100000
CONF
/usr/sbin/mosquitto -c "$work/mosquitto.conf" > "$work/mosquitto.log" 2>&1 &
mq_pid=$!

# the rebuild writes to quarkus-app under its working directory
cp -r "$cp_app" "$work/quarkus-app"
(cd "$work" && "$java" -Dquarkus.launch.rebuild=true -Dquarkus.datasource.db-kind=postgresql -jar quarkus-app/quarkus-run.jar > rebuild.log 2>&1)
cp_jfr=()
if [ -n "${JFR_DIR:-}" ]; then
    mkdir -p "$JFR_DIR"
    cp_jfr=(-XX:StartFlightRecording=filename="$JFR_DIR/control-plane.jfr",settings=profile)
fi
"$java" -Xmx1g "${cp_jfr[@]}" -Dquarkus.http.port="$http_port" -Dflotilla.broker.embedded=false -Dflotilla.broker.port="$mqtt_port" \
    -Dflotilla.data-dir="$work/cp" -Dquarkus.log.level=WARN -Dquarkus.datasource.jdbc.url="$jdbc" \
    -Dquarkus.datasource.username=postgres -Dquarkus.datasource.password=postgres \
    -jar "$work/quarkus-app/quarkus-run.jar" > "$work/control-plane.log" 2>&1 &
cp_pid=$!
wait_ready "http://127.0.0.1:$http_port/q/health/ready" "$cp_pid" "$work/control-plane.log" 240
echo "load before: $(uptime)"
# the control plane's resident memory, sampled every second while the benchmark runs
(while kill -0 "$cp_pid" 2>/dev/null; do
    echo "$(date +%s) $(awk '/VmRSS/ {print $2}' /proc/$cp_pid/status)" >> "$work/rss.log"; sleep 1
done) &
rss_pid=$!
"$java" -Xmx1g -cp "$bench_jar" io.flotilla.bench.scale.TelemetryIngestBenchmark \
    --broker "tcp://127.0.0.1:$mqtt_port" --control-plane "http://127.0.0.1:$http_port" --jdbc "$jdbc" \
    --user postgres --password postgres --duration "$duration" --token "$(admin_token "$work/cp")" --rate "${RATE:-0}"
kill "$rss_pid" 2>/dev/null || true
echo "control-plane RSS (MiB) during the run, one sample per second: $(awk '{printf "%d ", $2/1024}' "$work/rss.log")"
echo "control-plane RSS after ingestion: $(grep VmRSS /proc/$cp_pid/status | awk '{print $2, $3}')"
echo "load after: $(uptime)"
