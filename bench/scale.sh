#!/usr/bin/env bash
# Scale-out on this machine: for each replica count in REPLICAS, a fresh local broker with
# digits.images in PARTITIONS partitions and a backlog of N raw MNIST images; then that many `serve`
# processes, started together in one consumer group, drain it while `watch` measures (first to
# last prediction, so the group's first rebalances count). On one machine the replicas share
# its cores: the table shows what the group does, not what a cluster of machines would.
# Usage: bench/scale.sh           (N=200000 REPLICAS="1 2 3" PARTITIONS=6 ENGINE=auto by default)
# Needs a model in <home>/models (./digitflow train) and `mvn package` done (./digitflow does it).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
REPLICAS=${REPLICAS:-1 2 3}
PARTITIONS=${PARTITIONS:-6}
ENGINE=${ENGINE:-auto}
PORT=${PORT:-19292}
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1))
export DIGITFLOW_TOPICS_IMAGES_PARTITIONS=$PARTITIONS
client=(--bootstrap-servers 127.0.0.1:$PORT)
. bench/lib.sh

for replicas in $REPLICAS; do
  echo "== backlog of $N images, $PARTITIONS partitions, $replicas replica(s), engine $ENGINE"
  backlog "$replicas" "$N"
  # All replicas at once, so that none drains the backlog alone while the others start.
  for r in $(seq "$replicas"); do
    env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT java -Dquarkus.http.port=0 -Ddigitflow.engine=$ENGINE \
      -Ddigitflow.serve.train-if-missing=false -jar target/quarkus-app/quarkus-run.jar serve \
      >"$work/serve-$replicas-$r.log" 2>&1 &
    pids+=($!)
  done
  wait "$watcher" || true
  sed -n '/^Summary/,/^Accuracy/p' "$work/watch-$replicas.log"
  echo "  rebalances seen by the replicas: $(cat "$work"/serve-$replicas-*.log | grep -c "Assigned" || true)"
  cleanup
  pids=()
done
echo "(logs in $work)"
