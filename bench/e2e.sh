#!/usr/bin/env bash
# End-to-end benchmark of the service on this machine, broker included, with `send` and `watch`:
#   1. drain a backlog of N raw MNIST images with each engine in ENGINES: auto (the native kernel),
#      nd4j, and constant (the Kafka-only ceiling: same pipeline, no model), each on a fresh broker;
#      bare (bench/BareLoop.java: a bare kafka-clients loop answering each image with a JSON, nothing else:
#      the floor of the Kafka path on this machine, measured the same way);
#   2. a steady RATE images/s for STEADY images: end-to-end latency percentiles (STEADY_ENGINE; bare: the floor);
#      SHADOW=yes: each engine but constant drains with a shadow candidate scoring every batch too (a
#      1-epoch retrain published without promotion, then `control shadow`), to measure what shadow costs;
#   3. IDLE_PHASE=yes: what a replica with nothing to do costs, its CPU and the broker's over IDLE seconds;
#   4. FIRST_PHASE=yes: the first burst of FIRST images at full speed, sent as soon as a fresh service's
#      readiness is UP: how fast it is from the start (JIT, engine and clients warmed or not).
# Usage: bench/e2e.sh            (N=200000 RATE=2000 STEADY=60000 by default)
# Needs a model in <home>/models (./digitflow train) and `mvn package` done (./digitflow does it).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-200000}
# The warmed drain is measured from the WARM-th record on (JIT and caches settled by then).
WARM=${WARM:-50000}
RATE=${RATE:-2000}
STEADY=${STEADY:-60000}
PORT=${PORT:-19092}
ENGINES=${ENGINES-auto nd4j constant}
STEADY_ENGINE=${STEADY_ENGINE:-auto}
STEADY_PHASE=${STEADY_PHASE:-yes}
FIRST_PHASE=${FIRST_PHASE:-no}
IDLE_PHASE=${IDLE_PHASE:-no}
IDLE=${IDLE:-10}
FIRST=${FIRST:-1000}
SHADOW=${SHADOW:-no}
# Extra JVM options and environment for the service, to compare settings: SERVE_OPTS="-D..." SERVE_ENV="A=1"
SERVE_OPTS=${SERVE_OPTS:-}
# CONSOLE=yes: a console page follows the live stream (/console/stream) while the service drains,
# to measure what an open console costs.
CONSOLE=${CONSOLE:-no}
CONSOLE_PORT=$((PORT + 2))
if [ "$CONSOLE" = yes ]; then SERVE_OPTS="$SERVE_OPTS -Dquarkus.http.port=$CONSOLE_PORT"; fi
SERVE_ENV=${SERVE_ENV:-}
# JVM options of the bare loop (ENGINES=bare), e.g. a JFR recording: BARE_OPTS="-XX:StartFlightRecording=...",
# and its client settings (see bench/BareLoop.java): BARE_SETTINGS="producer.batch.size=262144 ..."
work=$(mktemp -d)
app=(java -jar target/quarkus-app/quarkus-run.jar)
export DIGITFLOW_BROKER_PORT=$PORT DIGITFLOW_BROKER_CONTROLLER_PORT=$((PORT + 1))
client=(--bootstrap-servers 127.0.0.1:$PORT)
. bench/lib.sh
stop_all() { cleanup; pids=(); }

fresh_broker() {
  export DIGITFLOW_BROKER_DIR="$work/kafka-$1"
  start "broker-$1" "broker ready" "${app[@]}" broker
}

serve_opts() { echo "-Dquarkus.http.port=0 -Ddigitflow.engine=$1 -Ddigitflow.serve.train-if-missing=false $SERVE_OPTS"; }

# CPU seconds (user + system) process $1 has used so far, from /proc.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
# The images the service at metrics port $1 has consumed so far.
records_in() { curl -s "http://127.0.0.1:$1/q/metrics" | awk '/^digitflow_records_in_total/ { printf "%d", $2 }'; }
# Warmed figures of a drain (the data-plane issue's way): CPU of the service ($1) and the broker ($2) and the
# wall time from the moment the service (metrics port $3; "bare": the bare loop's log saying "warm") has
# consumed WARM records to the end ($watcher).
warmed_drain() {
  local serve=$1 broker=$2 port=$3 seen=0 t0 s0 b0 t1
  for _ in $(seq 6000); do
    if [ "$port" = bare ]; then
      grep -qx warm "$work/serve-bare.log" && seen=$WARM
    else
      seen=$(records_in "$port"); seen=${seen:-0}
    fi
    [ "$seen" -ge "$WARM" ] && break
    kill -0 "$watcher" 2>/dev/null || break
    sleep 0.05
  done
  t0=$(date +%s.%N); s0=$(cpu_seconds "$serve"); b0=$(cpu_seconds "$broker")
  wait "$watcher" || true
  t1=$(date +%s.%N)
  awk -v n=$((N - seen)) -v t="$(echo "$t1 - $t0" | bc)" -v s="$(echo "$(cpu_seconds "$serve") - $s0" | bc)" \
      -v b="$(echo "$(cpu_seconds "$broker") - $b0" | bc)" -v seen="$seen" 'BEGIN {
    printf "  warmed drain (after %d records, %d more): %.0f images/s; service CPU %.1f us/image, broker %.1f us/image\n",
      seen, n, n / t, s * 1e6 / n, b * 1e6 / n }'
}

# The bare loop in place of the service, logging to $work/$1.log (ENGINES=bare, STEADY_ENGINE=bare): it makes
# the topics, answers $2 images and says "warm" after $3; started once the group gave it its partitions.
bare_loop() {
  start "$1" "bare loop assigned" java ${BARE_OPTS:-} -cp "target/quarkus-app/lib/main/*" bench/BareLoop.java \
    127.0.0.1:$PORT "$2" "$3" ${BARE_SETTINGS:-}
}

# Waits, at most a minute, for the readiness of the service on HTTP port $1.
await_ready() {
  for _ in $(seq 1200); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$1/q/health/ready")" = 200 ] && break
    sleep 0.05
  done
}

# A console page's connection, opened as soon as the service's HTTP port answers, held until it stops.
open_console() {
  ( for _ in $(seq 600); do
      curl -sN "http://127.0.0.1:$CONSOLE_PORT/console/stream" >> "$work/console-$1.log" 2>/dev/null || true
      [ -s "$work/console-$1.log" ] && break
      sleep 0.1
    done ) &
  pids+=($!)
}

# Publishes a 1-epoch candidate and shadows it, through a service started for that and stopped again: the
# drain's service then starts with the shadow in the models topic's pointer, as every replica would.
# Both services use a copy of the home's models: a published candidate is stored in the home's model folder,
# where a later run would serve it as the newest model.
shadow_candidate() {
  local home="$work/home-$1"
  mkdir -p "$home"
  cp -r "${DIGITFLOW_HOME:-$HOME/.digitflow}/models" "$home/"
  SERVE_ENV_RUN="DIGITFLOW_HOME=$home"
  start "serve-$1-setup" "digitflow serving" \
    env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT $SERVE_ENV $SERVE_ENV_RUN java $(serve_opts "$1") \
    -Ddigitflow.training.min-accuracy=0.9 -Ddigitflow.training.cpu-share=1 -jar target/quarkus-app/quarkus-run.jar serve
  local setup=${pids[-1]} version outcome
  outcome=$("${app[@]}" control retrain --epochs 1 --no-labeled --no-promote "${client[@]}" || true)
  version=$(echo "$outcome" | sed -n 's/.*model \(v[0-9-]*\) published, not promoted.*/\1/p')
  [ -n "$version" ] || { echo "the retrain published no candidate: $outcome" >&2; return 1; }
  "${app[@]}" control shadow "$version" "${client[@]}" | tail -1
  kill "$setup"; wait "$setup" 2>/dev/null || true
}

for engine in $ENGINES; do
  shadowed=no
  [ "$SHADOW" = yes ] && [ "$engine" != constant ] && [ "$engine" != bare ] && shadowed=yes
  echo "== backlog of $N images, engine $engine$([ $shadowed = yes ] && echo ', with a shadow candidate')"
  fresh_broker "$engine"
  broker=${pids[-1]}
  # A backlog is old by definition: the shadow must not skip it as a stream that is behind.
  SERVE_OPTS_RUN=
  SERVE_ENV_RUN=
  if [ $shadowed = yes ]; then
    shadow_candidate "$engine"
    SERVE_OPTS_RUN="-Ddigitflow.shadow.max-lag=1h -Dquarkus.http.port=$((PORT + 4))"
  fi
  "${app[@]}" send --mnist-test --count "$N" "${client[@]}" | tail -1
  start "watch-$engine" "Watching" "${app[@]}" watch --from-beginning --expect "$N" --show 0 --timeout PT10M "${client[@]}"
  watcher=${pids[-1]}
  if [ "$CONSOLE" = yes ]; then open_console "$engine"; fi
  metrics_port=$((PORT + 4))
  if [ "$CONSOLE" = yes ]; then metrics_port=$CONSOLE_PORT
  elif [ $shadowed = no ]; then SERVE_OPTS_RUN="-Dquarkus.http.port=$metrics_port"; fi
  if [ "$engine" = bare ]; then
    bare_loop serve-bare "$N" "$WARM"
    metrics_port=bare
  else
    start "serve-$engine" "digitflow serving" \
      env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT $SERVE_ENV $SERVE_ENV_RUN java $(serve_opts "$engine") $SERVE_OPTS_RUN -jar target/quarkus-app/quarkus-run.jar serve
  fi
  serve=${pids[-1]}
  warmed_drain "$serve" "$broker" "$metrics_port" > "$work/warmed-$engine.txt" # not in $(...): it waits for $watcher
  if [ $shadowed = yes ]; then
    curl -s "http://127.0.0.1:$((PORT + 4))/q/metrics" | grep -E '^digitflow_shadow_(records|skipped)_total|^digitflow_shadow_agreement' | sed 's/^/  /'
  fi
  sed -n '/^Summary/,$p' "$work/watch-$engine.log"
  cat "$work/warmed-$engine.txt"
  grep -h "^bare loop" "$work/serve-$engine.log" | sed 's/^/  /' || true
  if [ "$metrics_port" != bare ]; then
    # How the service's clients batch (compare with the bare loop's figures); all its metrics in the work folder.
    curl -s "http://127.0.0.1:$metrics_port/q/metrics" > "$work/metrics-$engine.txt" || true
    grep -E '^kafka_(producer|consumer_fetch_manager)_(batch_size_avg|records_per_request_avg|request_total|fetch_total)\{' \
      "$work/metrics-$engine.txt" | grep -v 'topic=' | grep -E 'client_id="(kafka-consumer-images|digitflow-outputs)"' \
      | sed -E 's/\{.*client_id="([^"]*)".*\} / [\1] /; s/^/  /' | sort -u || true
  fi
  grep -h "^CPU" "$work/watch-$engine.log" || true
  if [ "$CONSOLE" = yes ]; then echo "  console: $(grep -c '^event: tick' "$work/console-$engine.log" || true) ticks received"; fi
  # CPU seconds each process used in all (start-up included): where the two cores went.
  for p in "${pids[@]}"; do ps -o cputimes=,args= -p "$p" 2>/dev/null | awk '{printf "  cpu %5ss  %s\n", $1, $NF}' || true; done
  stop_all
done

if [ "$IDLE_PHASE" = yes ]; then
  echo "== idle: a replica ($STEADY_ENGINE) with nothing to read, for $IDLE s after it is ready"
  fresh_broker idle
  broker=${pids[-1]}
  idle_port=$((PORT + 3))
  start serve-idle "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT $SERVE_ENV \
    java $(serve_opts "$STEADY_ENGINE") -Dquarkus.http.port=$idle_port -jar target/quarkus-app/quarkus-run.jar serve
  serve=${pids[-1]}
  await_ready "$idle_port"
  sleep 2 # the start-up's last work (JIT, the first commits) out of the measured window: a benchmark, not a test
  s0=$(cpu_seconds "$serve"); b0=$(cpu_seconds "$broker")
  sleep "$IDLE"
  awk -v s="$(echo "$(cpu_seconds "$serve") - $s0" | bc)" -v b="$(echo "$(cpu_seconds "$broker") - $b0" | bc)" \
      -v t="$IDLE" 'BEGIN { printf "  idle: service %.3f cores, broker %.3f cores (CPU seconds per second)\n", s / t, b / t }'
  stop_all
fi

if [ "$FIRST_PHASE" = yes ]; then
  echo "== first burst of $FIRST images as soon as readiness is UP, engine $STEADY_ENGINE"
  fresh_broker first
  first_port=$((PORT + 3))
  if [ "$STEADY_ENGINE" = bare ]; then
    bare_loop bare-first "$FIRST" "$FIRST"
  else
    start serve-first "digitflow serving" env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT $SERVE_ENV \
      java $(serve_opts "$STEADY_ENGINE") -Dquarkus.http.port=$first_port -jar target/quarkus-app/quarkus-run.jar serve
    await_ready "$first_port"
  fi
  start watch-first "Watching" "${app[@]}" watch --expect "$FIRST" --show 0 --timeout PT5M "${client[@]}"
  watcher=${pids[-1]}
  "${app[@]}" send --mnist-test --count "$FIRST" "${client[@]}" | tail -1
  wait "$watcher" || true
  sed -n '/^Summary/,$p' "$work/watch-first.log"
  # Inside the service: decode + inference per poll batch, and poll batches.
  if [ "$STEADY_ENGINE" != bare ]; then
    curl -s "http://127.0.0.1:$first_port/q/metrics" | grep -E '^digitflow_batch_processing_seconds_(count|sum|max)|^digitflow_engine_batch_size_(count|sum)' | sed 's/^/  /'
    grep -h "Warmed up" "$work/serve-first.log" | sed 's/^/  /' || true
  fi
  stop_all
fi

[ "$STEADY_PHASE" = yes ] || exit 0
echo "== steady $RATE images/s for $STEADY images, engine $STEADY_ENGINE (after a 10 s warm-up at the same rate)"
fresh_broker steady
# One watch and one send for warm-up and measurement together, so that every JVM (service, send,
# watch) has compiled its hot path before the measured part; the first 10 s are left out.
warm=$((RATE * 10))
if [ "$STEADY_ENGINE" = bare ]; then
  bare_loop bare-steady $((warm + STEADY)) $((warm + STEADY))
else
  start serve-steady "digitflow serving" \
    env KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$PORT $SERVE_ENV java $(serve_opts "$STEADY_ENGINE") -jar target/quarkus-app/quarkus-run.jar serve
fi
start watch-steady "Watching" "${app[@]}" watch --skip "$warm" --expect "$STEADY" --show 0 --timeout PT10M "${client[@]}"
watcher=${pids[-1]}
"${app[@]}" send --mnist-test --count $((warm + STEADY)) --rate "$RATE" "${client[@]}" | tail -1
wait "$watcher" || true
sed -n '/^Summary/,$p' "$work/watch-steady.log"
echo "(logs in $work)"
