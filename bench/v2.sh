#!/usr/bin/env bash
# Open Inference Protocol (v2) latency at a steady request rate, against the packaged service on a fresh
# local broker: one-image infer requests, latency from each request's scheduled send to its answer.
# Usage: bench/v2.sh            (RATE=500 SECONDS_=30 WARMUP=20 by default)
# Needs a model in <home>/models (./digitflow train) and `mvn package` done (./digitflow does it).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-500}
SECONDS_=${SECONDS_:-30}
PORT=${PORT:-19192}
HTTP_PORT=$((PORT + 2))
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1)) DIGITFLOW_BROKER_DIR="$work/kafka"
. bench/lib.sh
start broker "broker ready" "${app[@]}" broker
start serve "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT \
  java -Dquarkus.http.port=$HTTP_PORT -Ddigitflow.serve.train-if-missing=false -jar target/quarkus-app/quarkus-run.jar serve
serve_pid=${pids[-1]}
# Warm-up: the JIT compiles the request path before anything is measured.
java bench/V2Load.java "http://127.0.0.1:$HTTP_PORT" "$RATE" "${WARMUP:-20}" 0 | sed 's/^/warm-up: /'
cpu_before=$(awk '{print $14 + $15}' /proc/$serve_pid/stat)
java bench/V2Load.java "http://127.0.0.1:$HTTP_PORT" "$RATE" "$SECONDS_" 0
cpu_after=$(awk '{print $14 + $15}' /proc/$serve_pid/stat)
ticks=$(getconf CLK_TCK)
cpu_ms=$(( (cpu_after - cpu_before) * 1000 / ticks ))
echo "service CPU over the measured run: $cpu_ms ms, $(( cpu_ms * 1000 / (RATE * SECONDS_) )) µs per request"
