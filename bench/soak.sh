#!/usr/bin/env bash
# Soak: a steady stream for DURATION seconds at RATE images/s through one service on a fresh local
# broker, with a retrain (promoted: swap 1) at a third of the way and a rollback (swap 2) at two
# thirds. Every SAMPLE seconds it records the service's RSS, heap in use after the last GC, consumer
# lag and records in/out; at the end, what `watch` received against what was sent.
# Usage: bench/soak.sh            (DURATION=1800 RATE=1000 ENGINE=auto by default)
# Needs a model in <home>/models (./digitflow train) and `mvn package` done (./digitflow does it).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-1800}
RATE=${RATE:-1000}
ENGINE=${ENGINE:-auto}
SAMPLE=${SAMPLE:-30}
PORT=${PORT:-19192}
HTTP=${HTTP:-18180}
N=$((DURATION * RATE))
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1)) DIGITFLOW_BROKER_DIR="$work/kafka"
client=(--bootstrap-servers 127.0.0.1:$PORT)
. bench/lib.sh

# The service gets a models folder of its own, seeded with the newest local model, so the retrain's
# model never lands among the user's.
models="$work/models"
mkdir -p "$models"
newest=$(ls -d "${DIGITFLOW_HOME:-$HOME/.digitflow}"/models/v* | sort | tail -1)
cp -r "$newest" "$models/"
start broker "broker ready" "${app[@]}" broker
# The retrain is short (2 epochs) and the gate is opened wide: the point is the swap, not the model.
start serve "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT java -Dquarkus.http.port=$HTTP \
  -Ddigitflow.engine=$ENGINE -Ddigitflow.model.dir="$models" -Ddigitflow.serve.train-if-missing=false -Ddigitflow.training.min-accuracy=0.9 \
  -Ddigitflow.training.max-accuracy-drop=0.1 -jar target/quarkus-app/quarkus-run.jar serve
serve_pid=${pids[-1]}
start watch "Watching" "${app[@]}" watch --expect "$N" --show 0 --timeout "PT$((DURATION + 600))S" "${client[@]}"
watcher=${pids[-1]}
"${app[@]}" send --mnist-test --count "$N" --rate "$RATE" "${client[@]}" >"$work/send.log" 2>&1 &
pids+=($!)

metric() { # sum of a Prometheus metric's samples whose line matches $1
  curl -s "http://127.0.0.1:$HTTP/q/metrics" | grep -E "^$1" | awk '{s += $NF} END {printf "%.0f", s}'
}
lag() { # the images consumer's largest partition lag (the control consumer's reads NaN)
  curl -s "http://127.0.0.1:$HTTP/q/metrics" | grep -E '^kafka_consumer_fetch_manager_records_lag_max\{client_id="kafka-consumer-images"' \
    | awk '$NF != "NaN" && $NF > m {m = $NF} END {printf "%.0f", m}'
}
echo "| s | RSS MiB | heap after GC MiB | lag max | records in | predictions out | event |"
echo "|---:|---:|---:|---:|---:|---:|---|"
started=$(date +%s)
event=""
retrained=no
rolled=no
while kill -0 "$watcher" 2>/dev/null; do
  sleep "$SAMPLE"
  elapsed=$(($(date +%s) - started))
  if [[ $retrained == no && $elapsed -ge $((DURATION / 3)) ]]; then
    retrained=yes
    (("${app[@]}" control retrain --epochs 2 "${client[@]}" >"$work/retrain.log" 2>&1 || true) &)
    event="retrain sent"
  elif [[ $rolled == no && $elapsed -ge $((2 * DURATION / 3)) ]] && grep -q promoted "$work/retrain.log"; then
    rolled=yes
    ("${app[@]}" control rollback "${client[@]}" >"$work/rollback.log" 2>&1 || true)
    event="rollback: $(tail -1 "$work/rollback.log")"
  fi
  rss=$(($(ps -o rss= -p "$serve_pid") / 1024))
  heap=$(($(metric 'jvm_gc_live_data_size_bytes') / 1048576))
  echo "| $elapsed | $rss | $heap | $(lag) | $(metric 'digitflow_records_in_total') | $(metric 'digitflow_predictions_out_total') | $event |"
  event=""
done
echo
sed -n '/^Summary/,$p' "$work/watch.log"
echo "sent: $(tail -1 "$work/send.log")"
echo "retrain: $(tail -2 "$work/retrain.log" | tr '\n' ' ')"
grep -h "Serving model\|Engine:" "$work/serve.log" || true
echo "(logs in $work)"
