#!/usr/bin/env bash
# Profiles clusterd (perf) and the embedded store (py-spy) inside a `make bench-ingest` window: run it in the
# background just before the bench. It waits (at most 2 minutes) until both processes are up and clusterd uses
# more than one core, records both for SECONDS (default 7) and prints the top of each profile.
#   bench/profile-ingest.sh [OUT_DIR] & make bench-ingest MINILM_N=8000 BENCH_INGEST_ARGS="--no-hashing --only triggered"
set -uo pipefail
cd "$(dirname "$0")/.."
out=${1:-.state/profile-ingest}; seconds=${SECONDS_TO_RECORD:-7}
mkdir -p "$out"
[ -x .venv/bin/py-spy ] || .venv/bin/pip install -q py-spy
for _ in $(seq 1 600); do
  store=$(pgrep -f "secantusd-py --host 127.0.0.1 --port" | head -1)
  clusterd=$(pgrep -x clusterd | head -1)
  if [ -n "$store" ] && [ -n "$clusterd" ]; then
    t1=$(awk '{print $14+$15}' "/proc/$clusterd/stat" 2>/dev/null); sleep 0.5
    t2=$(awk '{print $14+$15}' "/proc/$clusterd/stat" 2>/dev/null)
    if [ -n "$t1" ] && [ -n "$t2" ] && [ $((t2 - t1)) -gt 50 ]; then
      echo "profiling store $store and clusterd $clusterd for ${seconds} s at $(date +%T)"
      .venv/bin/py-spy record -p "$store" -d "$seconds" -r 100 -f raw -o "$out/store.folded" >/dev/null 2>&1 &
      perf record -F 499 -g -p "$clusterd" -o "$out/clusterd.perf.data" -- sleep "$seconds" >/dev/null 2>&1
      wait
      perf report -i "$out/clusterd.perf.data" --no-children --sort dso,sym --stdio 2>/dev/null \
        | grep -E '^ +[0-9.]+%' | head -15
      python3 bench/store-profile-shares.py "$out/store.folded"
      exit 0
    fi
  fi
  sleep 0.2
done
echo "no busy clusterd within 2 minutes" >&2; exit 1
