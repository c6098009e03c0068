#!/usr/bin/env bash
# Edge agent footprint: time from process start to connected-and-reconciled, RSS at ready and
# RSS steady with N managed workloads, for several JVM flag sets in one run (interleaved rounds).
#
#   edge-agent/bench/footprint.sh            # build if needed, then measure
#   ROUNDS=3 STEADY=30 WORKLOADS=200 BUILD=1 edge-agent/bench/footprint.sh
#   DIST=path/to/unpacked/dist edge-agent/bench/footprint.sh   # also measure bin/flotilla-agent
#   ONLY='tuned|nmt' edge-agent/bench/footprint.sh               # only the flag sets whose name matches
# The plain-* rows run the agent without Quarkus (io.flotilla.agent.AgentMain on target/plain-lib,
# built by the "plain" Maven profile) with the same flags as the rows they are named after.
# A flag set with -XX:NativeMemoryTracking also gets jcmd's NMT summary, thread dump and class
# list at the steady point (runs/<name>-<round>/VM.native_memory.txt etc.).
#
# Needs: a JDK >= 25 at JAVA_HOME (or /usr/lib/jvm/temurin-25-jdk-amd64) for the AOT cache rows,
# Mosquitto (/usr/sbin/mosquitto or MOSQUITTO), the Maven local repository (runs offline).
# Results: edge-agent/target/footprint/results.md, per-run agent logs under .../runs/.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AGENT="$(cd "$HERE/.." && pwd)"
ROOT="$(cd "$AGENT/.." && pwd)"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
JAVA="$JAVA_HOME/bin/java"
OUT="$AGENT/target/footprint"
APP="$AGENT/target/quarkus-app/quarkus-run.jar"
PLAIN_LIB="$AGENT/target/plain-lib"
# Another build of the agent to compare against in the same run (interleaved, same load):
# BASELINE_APP=/path/to/old/quarkus-app/quarkus-run.jar adds the rows baseline-tuned and baseline-tuned+nmt.
BASELINE_APP="${BASELINE_APP:-}"
ROUNDS="${ROUNDS:-3}"
STEADY="${STEADY:-30}"
WORKLOADS="${WORKLOADS:-200}"
MOSQUITTO="${MOSQUITTO:-/usr/sbin/mosquitto}"

# The tuned flag set of the first measurements (the agent then still ran fabric8 on Vert.x/Netty).
TUNED="-Xms8m -Xmx48m -Xss512k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
-XX:ReservedCodeCacheSize=24m -XX:MaxDirectMemorySize=16m -XX:-UsePerfData \
-XX:+ExitOnOutOfMemoryError -Dio.netty.allocator.type=unpooled"

# Tuned further once the agent had no Netty left: a heap cap the 200-workload steady state fits in,
# compact object headers (JDK 25), smaller thread stacks and code cache. What bin/flotilla-agent
# of the device distribution uses.
LEAN="-Xms8m -Xmx32m -Xss256k -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 \
-XX:ReservedCodeCacheSize=16m -XX:+UseCompactObjectHeaders -XX:-UsePerfData -XX:+ExitOnOutOfMemoryError"

# The plain class path is needed when a plain-* flag set is selected; it is stale when the module jar
# was rebuilt without the profile after it was copied.
PLAIN_BUILD="./mvnw -o -pl edge-agent -am package -Pplain -DskipTests"
need_plain=0
if [[ -z "${ONLY:-}" ]] || printf 'plain-lean\nplain-lean+appcds\n' | awk -v only="$ONLY" '$0 ~ only {found=1} END {exit !found}'; then
  need_plain=1
fi
plain_jar="$(basename "$(ls "$AGENT"/target/flotilla-edge-agent-*.jar 2>/dev/null | grep -v -- -tests.jar | head -1)" 2>/dev/null || true)"
plain_stale=0
if [[ $need_plain == 1 && ( -z "$plain_jar" || ! -f "$PLAIN_LIB/$plain_jar" || "$AGENT/target/$plain_jar" -nt "$PLAIN_LIB/$plain_jar" ) ]]; then
  plain_stale=1
fi
if [[ "${BUILD:-0}" == 1 || ! -f "$APP" || $plain_stale == 1 ]]; then
  (cd "$ROOT" && ./mvnw -q -o -pl edge-agent -am package -DskipTests $([[ $need_plain == 1 ]] && echo -Pplain))
fi
if [[ $need_plain == 1 ]]; then
  if ! ls "$PLAIN_LIB"/flotilla-edge-agent-*.jar >/dev/null 2>&1; then
    echo "footprint.sh: no plain class path in $PLAIN_LIB (the plain-* rows need it); build it with: $PLAIN_BUILD" >&2
    exit 1
  fi
  if ls "$PLAIN_LIB" | grep -E '^(quarkus-|vertx-|netty-)' >/dev/null; then
    echo "footprint.sh: $PLAIN_LIB holds Quarkus, Vert.x or Netty jars; rebuild it: rm -rf $PLAIN_LIB && $PLAIN_BUILD" >&2
    exit 1
  fi
  # explicit jars, not plain-lib/*, so that the AppCDS rows see one fixed class path
  PLAIN_CP="$(ls "$PLAIN_LIB"/*.jar | sort | paste -sd:)"
fi
rm -rf "$OUT/runs" "$OUT/nojdk-bin" "$OUT"/*.aot "$OUT"/*.jsa
mkdir -p "$OUT/classes"

# The harness: compiled straight from src/test (it is a main, never part of the surefire run).
if [[ ! -s "$OUT/classpath.txt" || "$AGENT/pom.xml" -nt "$OUT/classpath.txt" ]]; then
  (cd "$ROOT" && ./mvnw -q -o -pl edge-agent dependency:build-classpath -Dmdep.includeScope=test \
      -Dmdep.outputFile="$OUT/classpath.txt")
fi
CP="$AGENT/target/classes:$(cat "$OUT/classpath.txt")"
"$JAVA_HOME/bin/javac" --release 21 -d "$OUT/classes" -cp "$CP" "$AGENT"/src/test/java/io/flotilla/agent/footprint/*.java \
    "$AGENT"/src/test/java/io/flotilla/agent/Fixtures.java

# name <TAB> mode <TAB> command. "train" lines run first, once, and are stopped with SIGTERM at
# ready so the JVM writes its AOT cache / dynamic CDS archive on exit.
T=$'\t'
{
  echo "default${T}measure${T}$JAVA -jar $APP"
  echo "tuned${T}measure${T}$JAVA $TUNED -jar $APP"
  echo "tuned+nmt${T}measure${T}$JAVA $TUNED -XX:NativeMemoryTracking=summary -jar $APP"
  if [[ -n "$BASELINE_APP" ]]; then
    echo "baseline-tuned${T}measure${T}$JAVA $TUNED -jar $BASELINE_APP"
    echo "baseline-tuned+nmt${T}measure${T}$JAVA $TUNED -XX:NativeMemoryTracking=summary -jar $BASELINE_APP"
  fi
  echo "tuned+appcds${T}train${T}$JAVA $TUNED -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-dyn.jsa -jar $APP"
  echo "tuned+appcds${T}measure${T}$JAVA $TUNED -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-dyn.jsa -jar $APP"
  echo "lean${T}measure${T}$JAVA $LEAN -jar $APP"
  echo "lean+nmt${T}measure${T}$JAVA $LEAN -XX:NativeMemoryTracking=summary -jar $APP"
  echo "lean+appcds${T}train${T}$JAVA $LEAN -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-lean.jsa -jar $APP"
  echo "lean+appcds${T}measure${T}$JAVA $LEAN -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-lean.jsa -jar $APP"
  if [[ $need_plain == 1 ]]; then
    echo "plain-lean${T}measure${T}$JAVA $LEAN -cp $PLAIN_CP io.flotilla.agent.AgentMain"
    echo "plain-lean+appcds${T}train${T}$JAVA $LEAN -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-plain-lean.jsa -cp $PLAIN_CP io.flotilla.agent.AgentMain"
    echo "plain-lean+appcds${T}measure${T}$JAVA $LEAN -XX:+AutoCreateSharedArchive -XX:SharedArchiveFile=$OUT/agent-plain-lean.jsa -cp $PLAIN_CP io.flotilla.agent.AgentMain"
  fi
  echo "tuned+aot${T}train${T}$JAVA $TUNED -XX:AOTCacheOutput=$OUT/agent.aot -jar $APP"
  echo "tuned+aot${T}measure${T}$JAVA $TUNED -XX:AOTCache=$OUT/agent.aot -jar $APP"
  if [[ -n "${DIST:-}" ]]; then
    # a PATH with no java at all (this machine has /usr/bin/java): only what the script itself calls
    mkdir -p "$OUT/nojdk-bin" && ln -sf "$(command -v dirname)" "$(command -v mkdir)" "$OUT/nojdk-bin/"
    rm -f "$DIST"/cds/*.jsa   # the training run writes the dynamic AppCDS archive on its first stop
    echo "dist${T}train${T}env -i PATH=$OUT/nojdk-bin $DIST/bin/flotilla-agent"
    echo "dist${T}measure${T}env -i PATH=$OUT/nojdk-bin $DIST/bin/flotilla-agent"
  fi
} | awk -F'\t' -v only="${ONLY:-}" 'only == "" || $1 ~ only' > "$OUT/configs.tsv"

echo "machine: $(nproc) cores, $(free -m | awk '/Mem:/{print $2}') MiB RAM; $("$JAVA" -version 2>&1 | head -1)"
echo "load before: $(uptime)"
"$JAVA" -Xss4m -Xmx512m -XX:+UseSerialGC -Djava.util.logging.manager=org.jboss.logmanager.LogManager -Dworkloads="$WORKLOADS" -Drounds="$ROUNDS" -DsteadySeconds="$STEADY" \
  -Dmosquitto="$MOSQUITTO" -DbrokerPort="${BROKER_PORT:-0}" -cp "$OUT/classes:$CP" io.flotilla.agent.footprint.FootprintBench "$OUT/configs.tsv" "$OUT"
echo "load after: $(uptime)"
ls -l "$OUT"/*.aot "$OUT"/*.jsa 2>/dev/null || true
