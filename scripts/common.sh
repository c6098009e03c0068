# Sourced by ./flotilla and the scripts under bench/ and deploy/: one way to find a JDK, to check what a script
# needs before it starts anything, and to fail fast with a message that says what to do.
#
# A script sets SCRIPT (its name in messages) before it sources this file.

REQUIRED_JAVA=21
: "${SCRIPT:=$(basename "$0")}"

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}' | cut -d. -f1
}

# JAVA_HOME, the javac on PATH, then /usr/lib/jvm (and macOS's folder; FLOTILLA_JDK_SEARCH, folders separated by
# spaces, replaces those two), newest first: the first JDK >= 21
find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v javac >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")")
  fi
  local search=${FLOTILLA_JDK_SEARCH:-/usr/lib/jvm /Library/Java/JavaVirtualMachines/*/Contents}
  local dir
  for d in $(for dir in $search; do ls -d "$dir"/*/ 2>/dev/null; done | sort -rV); do
    candidates+=("${d%/}")
  done
  for home in "${candidates[@]}"; do
    if [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ]; then
      local major
      major=$(java_major "$home/bin/java")
      if [ -n "$major" ] && [ "$major" -ge "$REQUIRED_JAVA" ]; then
        echo "$home"
        return 0
      fi
    fi
  done
  return 1
}

die() {
  echo "$SCRIPT: $*" >&2
  exit 2
}

# Exports JAVA_HOME (and puts it first on PATH) and sets $java, or fails with the install hint.
require_jdk() {
  local jdk
  if ! jdk=$(find_jdk); then
    die "Flotilla needs a JDK $REQUIRED_JAVA or newer, and none was found (looked at JAVA_HOME, the javac on PATH
and /usr/lib/jvm). Install one, e.g. 'apt-get install openjdk-21-jdk' or Eclipse Temurin 21, then run this again
or set JAVA_HOME to it."
  fi
  export JAVA_HOME="$jdk"
  export PATH="$JAVA_HOME/bin:$PATH"
  java="$JAVA_HOME/bin/java"
}

# require_command NAME INSTALL_HINT: NAME must be on PATH (or an executable path)
require_command() {
  command -v "$1" >/dev/null 2>&1 || [ -x "$1" ] || die "$1 is missing: $2"
}

# require_built FILE BUILD_COMMAND: a build output the script runs
require_built() {
  [ -e "$1" ] || die "$1 is missing: build first with $2"
}

# wait_ready URL PID LOG [SECONDS]: until URL answers 2xx; fails at once when the process PID has exited, showing the
# end of its LOG, and after SECONDS (default 120) otherwise
wait_ready() {
  local url=$1 pid=$2 log=$3 seconds=${4:-120}
  for _ in $(seq 1 "$seconds"); do
    curl -fs -o /dev/null --max-time 2 "$url" 2>/dev/null && return 0
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "$SCRIPT: the process behind $url exited before it was ready; the end of $log:" >&2
      tail -20 "$log" >&2
      exit 2
    fi
    sleep 1
  done
  die "$url was not ready after $seconds s; see $log"
}

# admin_token DATA_DIR: the admin token a control plane started on DATA_DIR wrote there on its first start (what
# fleetctl reads from ./data/admin-token); for the control planes these scripts start themselves
admin_token() {
  [ -s "$1/admin-token" ] || die "$1/admin-token is missing: the control plane did not write its admin token"
  head -1 "$1/admin-token"
}
