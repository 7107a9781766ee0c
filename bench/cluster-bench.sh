#!/usr/bin/env bash
# Three Hermod processes on loopback, one smtp-sink, with and without a shared Redis (cluster.redis),
# shaping limits above the load: how much the Redis round trips cost, and Redis calls per message.
#   bench/cluster-bench.sh [MESSAGES_PER_POD] [SESSIONS_PER_POD] [ROUNDS]
# Needs target/hermod.jar (mvn -q -DskipTests package), redis-server, smtp-source, smtp-sink.
# Prints, per mode and round: messages delivered, seconds, msg/s end to end, Redis calls per message.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}; S=${2:-16}; ROUNDS=${3:-2}
SINK_PORT=2627; REDIS_PORT=6391
work=$(mktemp -d /tmp/hermod-cluster-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

/usr/sbin/smtp-sink -u nobody -m 1000 -t 100 "127.0.0.1:$SINK_PORT" 1024 >/dev/null 2>&1 & pids+=($!)
redis-server --port $REDIS_PORT --bind 127.0.0.1 --save "" --appendonly no --dir "$work" >/dev/null 2>&1 & pids+=($!)
sleep 1
cat > "$work/shaping.yaml" <<YAML
default: {connection_limit: 50, max_message_rate: 100000/s burst 1000, max_connection_rate: 10000/s burst 100}
YAML

delivered() { # sum of delivered attempts over the three pods
  local total=0
  for port in "${http[@]}"; do
    v=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^hermod_delivery_attempts_total\{.*result="delivered"/ {print $2}')
    total=$(python3 -c "print(int($total + ${v:-0}))")
  done
  echo "$total"
}
metric_sum() {
  local total=0
  for port in "${http[@]}"; do
    v=$(curl -s "http://127.0.0.1:$port/metrics" | awk -v m="$1" '$1 == m {print $2}')
    total=$(python3 -c "print($total + ${v:-0})")
  done
  echo "$total"
}

for mode in ${MODES:-local redis}; do
  http=(); smtp=(); podpids=()
  for i in 0 1 2; do
    d="$work/$mode-pod$i"; mkdir -p "$d"
    cluster=""; [ "$mode" = redis ] && cluster="cluster: {redis: \"redis://127.0.0.1:$REDIS_PORT\"}"
    cat > "$d/hermod.yaml" <<YAML
hostname: pod$i.bench
smtp: {listen: ["127.0.0.1:0"]}
http: {listen: "127.0.0.1:0"}
spool: {path: "$d/spool"}
log: {events: "$d/events.log"}
delivery: {routes: {"*": "127.0.0.1:$SINK_PORT"}}
shaping: {path: "$work/shaping.yaml"}
$cluster
YAML
    java -jar target/hermod.jar --config "$d/hermod.yaml" > "$d/out" 2>&1 & podpids+=($!); pids+=($!)
  done
  for i in 0 1 2; do
    d="$work/$mode-pod$i"
    for _ in $(seq 600); do grep -q "hermod: smtp listening on" "$d/out" && break; sleep 0.1; done
    line=$(grep -o "smtp listening on [^,]*, http on .*" "$d/out")
    smtp+=("$(echo "$line" | sed -E 's/smtp listening on [^:]+:([0-9]+),.*/\1/')")
    http+=("$(echo "$line" | sed -E 's/.*http on [^:]+:([0-9]+).*/\1/')")
  done
  for round in $(seq "$ROUNDS"); do
    base=$(delivered); calls0=$(metric_sum hermod_cluster_redis_calls_total)
    start=$(date +%s.%N)
    for port in "${smtp[@]}"; do
      /usr/sbin/smtp-source -d -s "$S" -m "$N" -l 2048 -f sender@bench.example -t rcpt@bench.example \
        -M bench.local -S bench "127.0.0.1:$port" & 
    done
    wait $(jobs -p | tail -3) 2>/dev/null || true
    target=$((base + 3 * N))
    while [ "$(delivered)" -lt "$target" ]; do sleep 0.2; done
    end=$(date +%s.%N)
    calls=$(metric_sum hermod_cluster_redis_calls_total)
    python3 -c "
s=$end-$start; n=3*$N; c=$calls-$calls0
print(f'CLUSTER-BENCH mode=$mode round=$round messages={n} seconds={s:.2f} msg_per_s={n/s:.0f} redis_calls_per_msg={c/n:.3f}')"
  done
  for p in "${podpids[@]}"; do kill "$p" 2>/dev/null || true; done
  sleep 2
done
