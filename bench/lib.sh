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
