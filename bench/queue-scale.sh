#!/usr/bin/env bash
# queue-scale (issue 11): what a long queue costs Hermod. Loads N messages of 1 KB (one recipient each,
# over 2000 domains) into a Hermod child JVM whose next hop is down; reports accept rate, live heap
# after a full GC (empty vs N queued), RSS, spool size; SIGKILL and restart: seconds to SMTP 220 and
# to complete queue counts, heap after recovery; then a sink comes up and it reports the drain rate.
#   bench/queue-scale.sh N [--heap 1g] [--size 1k] [--domains 2000] [--sessions 50] [--per-session 100]
#                          [--timeout 900] [--load-limit S] [--keep] [--skip-drain] [--flush-only]
# Builds target/hermod.jar and target/test-classes first when they are missing or older than the
# sources (REBUILD=1 forces it, REBUILD=0 skips it). Needs a JDK (java and jcmd) and Maven's offline
# repository. Ends with a markdown table and one "QUEUE-SCALE key=value ..." line.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ]; then
  sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
main_class=target/test-classes/io/hermod/bench/QueueScale.class
stale() {
  [ ! -f target/hermod.jar ] || [ ! -f "$main_class" ] \
    || [ -n "$(find src pom.xml -newer target/hermod.jar -type f -print -quit)" ] \
    || [ -n "$(find src/test -newer "$main_class" -type f -print -quit)" ]
}
if [ "${REBUILD:-}" = 1 ] || { [ "${REBUILD:-}" != 0 ] && stale; }; then
  echo "queue-scale: building (mvn -o -q -DskipTests test-compile package)" >&2
  mvn -o -q -DskipTests test-compile package >&2
fi
exec java -cp target/test-classes:target/hermod.jar io.hermod.bench.QueueScale "$@"
