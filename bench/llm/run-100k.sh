#!/usr/bin/env bash
# Claude at 100,000 messages (issue 15): a release clusterd (hashing embedder) as a process of its own, against the
# tests' fake Messages API (taken from Sources/ClusterdTestSupport/FakeAnthropicServer+Script.swift, its watchdog
# raised to an hour) at 50 requests a minute with 429 past it; batch API auto, daily budget 20M tokens. 100,000
# messages in 12,000 conversations, one forced run once all are analysed, then the backlog every 10 s until it
# clears; the fake's counts at the end. Needs `swift build -c release` and the venv (`make setup`).
# Usage: bench/llm/run-100k.sh [OUT_DIR] (default .state/bench-llm-100k).
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${1:-.state/bench-llm-100k}; PORT=${PORT:-27125}; RPC=127.0.0.1:7478; HTTP=127.0.0.1:7479
mkdir -p "$OUT"
sed -n '/static let script = #"""/,/"""#/p' Sources/ClusterdTestSupport/FakeAnthropicServer+Script.swift | sed '1d;$d' \
  | sed 's/^        //; s/time.monotonic() + 900$/time.monotonic() + 3600/' > "$OUT/fake.py"
CTL=.build/release/clusterctl; export CLUSTERD_ADDRESS=$RPC
scripts/mongo-embedded stop $PORT >/dev/null 2>&1
uri=$(scripts/mongo-embedded start $PORT :memory:)
.venv/bin/python - "$uri" <<'PY'
import sys
from pymongo import MongoClient
topics = [["sourdough","starter","baking","flour","oven","crust","proofing"],["visa","passport","embassy","appointment","documents","consulate","stamp"],["laptop","battery","charger","screen","keyboard","firmware","overheating"],["flight","airport","luggage","boarding","delay","refund","layover"],["tomato","garden","compost","seedlings","watering","greenhouse","pruning"],["mortgage","interest","lender","deposit","repayment","valuation","broker"]]
def text(c, m):
    w = topics[c % 6]; a = w[(m*3+c) % 7]; b = w[(m*5 + c//6 + 1) % 7]
    return f"Question {m} about my {a} and the {b}: what would you suggest doing next about {a}?"
db = MongoClient(sys.argv[1])["clusterd"]; batch = []
for i in range(100000):
    c = i % 12000
    batch.append({"_id": "m%07d" % i, "conversation_id": "c%d" % c, "role": "user", "content": text(c, i // 12000)})
    if len(batch) == 5000: db.messages.insert_many(batch); batch = []
print("inserted", db.messages.estimated_document_count())
PY
rm -f $OUT/port; python3 $OUT/fake.py $$ $OUT/port test-key 50 & fakepid=$!
for i in $(seq 50); do [ -s $OUT/port ] && break; sleep 0.2; done; fport=$(cat $OUT/port)
t0=$(date +%s)
MONGODB_URI="$uri/clusterd" CLUSTERD_MODEL_DIR=/nonexistent CLUSTERD_LISTEN=$RPC CLUSTERD_HTTP_LISTEN=$HTTP \
  ANTHROPIC_API_KEY=test-key ANTHROPIC_BASE_URL=http://127.0.0.1:$fport CLUSTERD_LLM_BATCH_API=auto \
  CLUSTERD_LLM_DAILY_TOKENS=20000000 CLUSTERING_MESSAGE_THRESHOLD=100000000 .build/release/clusterd > $OUT/clusterd.log 2>&1 &
pid=$!
sleep 3
for i in $(seq 300); do
  a=$($CTL status --json 2>/dev/null | .venv/bin/python -c "import json,sys; d=json.load(sys.stdin); print(d.get('analyzed_total', d.get('operator',{}).get('analyzed_total',0)))" 2>/dev/null)
  [ "${a:-0}" -ge 100000 ] && break; sleep 2
done
echo "analysed ${a:-?} at $(( $(date +%s) - t0 )) s"
$CTL force --timeout 600 --wait --wait-timeout 1200 >/dev/null; echo "forced run done at $(( $(date +%s) - t0 )) s"
$CTL runs --limit 1
for i in $(seq 200); do
  line=$($CTL status --json 2>/dev/null | .venv/bin/python -c "
import json,sys; d=json.load(sys.stdin); l=d['operator']['llm']
print(l['backlog'], l['messages_upgraded'], l['concept_requests'], l['calls'], l['tokens_total'], round(l['tokens_per_message'],1), l['names_pending'], l['state'])")
  echo "t=$(( $(date +%s) - t0 )) s backlog upgraded requests calls tokens tok/msg names_pending state: $line"
  set -- $line; [ "${1:-1}" = "0" ] && [ "${2:-0}" -ge 95000 ] && break
  sleep 10
done
curl -s http://127.0.0.1:$fport/_control/stats; echo
echo "clusterd RSS $(ps -o rss= -p $pid) KiB"
kill $pid; wait $pid 2>/dev/null; kill $fakepid 2>/dev/null
scripts/mongo-embedded stop $PORT >/dev/null 2>&1
