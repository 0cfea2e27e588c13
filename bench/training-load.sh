#!/usr/bin/env bash
# Inference throughput while the service retrains, against the same service idle: drain a backlog of
# N raw MNIST images with `watch` measuring, once with no training and once while a retrain command
# (many epochs, cancelled afterwards) runs at digitflow.training.cpu-share. Broker, service, send and
# watch all on this machine's cores, like bench/e2e.sh.
# Usage: bench/training-load.sh      (N=100000 by default; SHARE=0.5 sets digitflow.training.cpu-share)
# Needs a model in <home>/models (./digitflow train) and `mvn package` done.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-100000}
SHARE=${SHARE:-0.5}
PORT=${PORT:-19192}
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1)) DIGITFLOW_BROKER_DIR="$work/kafka"
client=(--bootstrap-servers 127.0.0.1:$PORT)
. bench/lib.sh

drain() {
  local name=$1
  start "watch-$name" "Watching" "${app[@]}" watch --expect "$N" --show 0 --timeout PT10M "${client[@]}"
  local watcher=${pids[-1]}
  "${app[@]}" send --mnist-test --count "$N" "${client[@]}" | tail -1
  wait "$watcher" || true
  echo "-- $name:"; sed -n '/^Summary/,$p' "$work/watch-$name.log"
}

start broker "broker ready" "${app[@]}" broker
start serve "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT java -Dquarkus.http.port=0 \
  -Ddigitflow.serve.train-if-missing=false -Ddigitflow.training.cpu-share="$SHARE" -jar target/quarkus-app/quarkus-run.jar serve
# Warm-up (JIT, consumer group), not measured.
N_WARM=$((N / 5)); (N=$N_WARM; drain warmup >/dev/null)
drain idle
"${app[@]}" control retrain --epochs 50 --no-labeled --request-id bench-train "${client[@]}" >"$work/train.log" 2>&1 &
pids+=($!)
until grep -q "retrain accepted" "$work/serve.log"; do sleep 0.2; done
sleep 3 # MNIST loaded and the first steps running before the measured drain starts
drain training
echo "epochs finished during the drain: $(grep -c 'progress: epoch' "$work/train.log" || true)"
"${app[@]}" control cancel "${client[@]}" | tail -1
echo "(logs in $work)"
