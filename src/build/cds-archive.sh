#!/bin/sh
# cds-archive.sh JAR ARCHIVE [MESSAGES]
#
# Builds an AppCDS archive for JAR: runs the server once on loopback, with a fresh spool in a
# temporary directory, relaying to a `hermod sink`, sends it MESSAGES (default 4000) with
# `hermod bench`, stops it with SIGTERM, and lets the JVM write the classes it loaded to ARCHIVE
# (-XX:ArchiveClassesAtExit). A JVM started with -XX:SharedArchiveFile=ARCHIVE maps those classes
# instead of loading, parsing and verifying them again: start-up and the first messages cost less.
#
# The archive only fits the JAR at this path, unchanged, and the JVM that wrote it; on a mismatch the
# JVM says so once and runs without it. Failing to train is not an error: the build goes on without
# an archive. Ports are chosen by the system (127.0.0.1:0); nothing leaves the loopback interface.
set -u
jar=$1
archive=$2
messages=${3:-4000}
java=${JAVA:-java}
dir=$(mktemp -d)
trap 'kill $sink $server 2>/dev/null; rm -rf "$dir"' EXIT
sink=
server=

# Waits up to 30 s for a line matching $2 in file $1 and prints the port after "127.0.0.1:".
port_in() {
  for _ in $(seq 300); do
    p=$(sed -n "s/.*$2[^0-9]*127\.0\.0\.1:\([0-9][0-9]*\).*/\1/p" "$1" | head -1)
    [ -n "$p" ] && { echo "$p"; return 0; }
    sleep 0.1
  done
  return 1
}

"$java" -jar "$jar" sink --listen 127.0.0.1:0 --quiet > "$dir/sink.out" 2>&1 &
sink=$!
sink_port=$(port_in "$dir/sink.out" "listening on") || { echo "cds-archive: the sink did not start; no archive" >&2; exit 0; }

cat > "$dir/hermod.yaml" <<YAML
hostname: cds-training.invalid
smtp:
  listen: ["127.0.0.1:0"]
http:
  listen: "127.0.0.1:0"
spool:
  path: "$dir/spool"
log:
  events: "$dir/events.log"
delivery:
  routes: {"*": "127.0.0.1:$sink_port"}
YAML
rm -f "$archive"
"$java" -XX:ArchiveClassesAtExit="$archive" -Xlog:cds=off -Xlog:cds+dynamic=off \
  -jar "$jar" --config "$dir/hermod.yaml" > "$dir/server.out" 2>&1 &
server=$!
smtp_port=$(port_in "$dir/server.out" "smtp listening on") || { echo "cds-archive: the server did not start; no archive" >&2; cat "$dir/server.out" >&2; exit 0; }

"$java" -jar "$jar" bench --target "127.0.0.1:$smtp_port" --messages "$messages" --concurrency 20 > "$dir/bench.out" 2>&1 \
  || echo "cds-archive: the training load failed; the archive covers start-up only" >&2
kill -TERM "$server"
wait "$server"
server=
if [ -s "$archive" ]; then
  echo "cds-archive: $archive ($(wc -c < "$archive") bytes) for $jar"
else
  echo "cds-archive: the JVM wrote no archive" >&2
fi
exit 0
