# Shared by the bench scripts: background processes started with `start`, all stopped on exit.
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

# Starts a command in the background, logging to $work/$1.log, and waits for a line matching $2.
start() {
  local name=$1 ready=$2; shift 2
  "$@" >"$work/$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1200); do
    grep -q "$ready" "$work/$name.log" 2>/dev/null && return 0
    kill -0 "${pids[-1]}" 2>/dev/null || { cat "$work/$name.log"; return 1; }
    sleep 0.1
  done
  echo "$name: not ready after 120 s" >&2; cat "$work/$name.log"; return 1
}

# A fresh broker named $1 (data in $work/kafka-$1) holding a backlog of $2 MNIST test images, and a
# `watch` expecting all of them (its pid in $watcher). Needs $work, app and client set.
backlog() {
  local name=$1 count=$2
  export DIGITFLOW_BROKER_DIR="$work/kafka-$name"
  start "broker-$name" "broker ready" "${app[@]}" broker
  "${app[@]}" send --mnist-test --count "$count" "${client[@]}" | tail -1
  start "watch-$name" "Watching" "${app[@]}" watch --from-beginning --expect "$count" --show 0 --timeout PT10M "${client[@]}"
  watcher=${pids[-1]}
}
