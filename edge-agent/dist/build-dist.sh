#!/usr/bin/env bash
# Builds the self-contained device distribution of the edge agent from target/quarkus-app:
#   runtime/   a jlink'ed Java runtime with only the modules the agent needs (found with jdeps),
#              with its default CDS archive regenerated for the trimmed module set
#   app/       the Quarkus fast-jar (quarkus-app)
#   bin/flotilla-agent   start script: bundled runtime, tuned flags, dynamic AppCDS archive
# into target/flotilla-edge-agent-<version>-linux-x86_64.tar.gz.
#
# Usage: build-dist.sh <version> [<java-home>]   (called by `mvn -Pdistribution package`)
# The runtime comes from the JDK that runs the build (>= 21); the app targets release 21.
set -euo pipefail
VERSION="${1:?version}"
JDK="${2:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
AGENT="$(cd "$HERE/.." && pwd)"
APP="$AGENT/target/quarkus-app"
NAME="flotilla-edge-agent-$VERSION"
WORK="$AGENT/target/dist"
OUT="$WORK/$NAME"
ARCHIVE="$AGENT/target/$NAME-linux-x86_64.tar.gz"

[[ -f "$APP/quarkus-run.jar" ]] || { echo "build-dist: $APP/quarkus-run.jar missing; run the package phase first" >&2; exit 1; }
FEATURE="$("$JDK/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
(( FEATURE >= 21 )) || { echo "build-dist: jlink needs a JDK >= 21, $JDK is $FEATURE" >&2; exit 1; }

rm -rf "$WORK"
mkdir -p "$WORK/classes" "$OUT/bin"

# Modules: jdeps over every class of the app. Jars are unpacked without their module-info so that
# jdeps treats them all as class path (some declare modules that require automatic modules).
for jar in "$APP"/quarkus-run.jar "$APP"/app/*.jar "$APP"/lib/*/*.jar "$APP"/quarkus/*.jar; do
  unzip -qo "$jar" '*.class' -x 'module-info.class' 'META-INF/*' -d "$WORK/classes" 2>/dev/null || true
done
MODULES="$("$JDK/bin/jdeps" --print-module-deps --ignore-missing-deps --multi-release 21 -q "$WORK/classes")"
# Always: TLS to the broker and API server (EC lives in java.base from JDK 22 on), DNS via JNDI,
# and the jar: file system that SmallRye's class-path utilities look up as a service at start
# (jdeps cannot see a service lookup; it used to come in with jdk.compiler, which the agent no
# longer pulls in since Vert.x and Netty left it).
EXTRA="jdk.naming.dns,jdk.zipfs"
if (( FEATURE < 22 )); then EXTRA="$EXTRA,jdk.crypto.ec"; fi
MODULES="$MODULES,$EXTRA"
rm -rf "$WORK/classes"
echo "build-dist: modules $MODULES"
echo "$MODULES" > "$WORK/modules.txt"

"$JDK/bin/jlink" --add-modules "$MODULES" --output "$OUT/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6 --generate-cds-archive

cp -r "$APP" "$OUT/app"
install -m 0755 "$HERE/flotilla-agent" "$OUT/bin/flotilla-agent"
# compact object headers are a product flag from JDK 25 on; an older runtime would refuse to start
if (( FEATURE < 25 )); then sed -i 's/ -XX:+UseCompactObjectHeaders//' "$OUT/bin/flotilla-agent"; fi
mkdir -p "$OUT/cds"
cp "$AGENT/README.md" "$OUT/README.md"
echo "$MODULES" > "$OUT/runtime/MODULES"

tar -C "$WORK" --owner=0 --group=0 -czf "$ARCHIVE" "$NAME"
echo "build-dist: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1)); unpacked $(du -sh "$OUT" | cut -f1), runtime $(du -sh "$OUT/runtime" | cut -f1)"
