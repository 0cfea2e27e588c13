#!/usr/bin/env bash
# Where the service's CPU and allocations go while it drains a backlog: JFR (settings=profile) on
# `serve`, per engine in ENGINES, then bench/JfrBreakdown.java over the streaming window (the
# first SKIP seconds of it left out: the JIT's warm-up).
#   bench/profile.sh     (N=300000 ENGINES="constant auto" SKIP=5 by default)
# Needs a model in <home>/models and `mvn package` done, like bench/e2e.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-300000}
ENGINES=${ENGINES-constant auto}
SKIP=${SKIP:-5}
PORT=${PORT:-19092}
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1))
client=(--bootstrap-servers 127.0.0.1:$PORT)
. bench/lib.sh

for engine in $ENGINES; do
  echo "== backlog of $N images, engine $engine, JFR on the service"
  backlog "$engine" "$N"
  start "serve-$engine" "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT \
    java -XX:StartFlightRecording=filename="$work/serve-$engine.jfr",settings=profile \
    -Dquarkus.http.port=0 -Ddigitflow.engine="$engine" -Ddigitflow.serve.train-if-missing=false \
    -jar target/quarkus-app/quarkus-run.jar serve
  serve=${pids[-1]}
  wait "$watcher" || true
  sed -n '/^Summary/,/^End-to-end/p' "$work/watch-$engine.log"
  ps -o cputimes= -p "$serve" | awk -v n="$N" '{printf "  service CPU %ss in all (start-up included) = %.1f us per image\n", $1, $1 * 1e6 / n}'
  # SIGTERM: a background job of a script ignores SIGINT; the JVM dumps the recording as it exits.
  kill -TERM "$serve"; wait "$serve" 2>/dev/null || true
  cleanup; pids=()
  java bench/JfrBreakdown.java "$work/serve-$engine.jfr" "$N" "$SKIP"
done
echo "(recordings in $work)"
