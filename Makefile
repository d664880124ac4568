# clusterd: `make run` starts the service on its embedded defaults, `make test` runs every test.
SHELL := /bin/bash
CONFIG ?= debug
BIN := .build/$(CONFIG)
MONGO_PORT ?= 27018
TEST_MONGO_PORT ?= 27099

.PHONY: all setup build run replicas test test-python demo bench eval clean lint proto fuzz fuzz-smoke load bench-rpc \
	bench-metrics bench-ingest bench-cluster bench-llm

all: build

setup:
	@scripts/setup

build: setup
	swift build -c $(CONFIG)
	$(MAKE) -s -C clients/c

# Runs clusterd in the foreground. Without MONGODB_URI it starts the embedded MongoDB-wire server first
# (data under .state/mongo, loopback only).
run: build
	@if [ -z "$$MONGODB_URI" ]; then \
	  uri=$$(scripts/mongo-embedded start $(MONGO_PORT)) || exit 1; \
	  echo "embedded MongoDB at $$uri (data in .state/mongo)"; \
	  export MONGODB_URI="$$uri/clusterd"; \
	fi; \
	exec $(BIN)/clusterd

# Starts N replicas (REPLICAS=3) on one embedded store on loopback and prints their ports; Ctrl-C stops them all
# (scripts/replicas; docs/OPERATIONS.md "Running replicas").
REPLICAS ?= 3
replicas: build
	BIN=$(BIN) scripts/replicas $(REPLICAS)

# Loads a sample of real conversations (SGD, CC BY-SA 4.0; see samples/README.md) into MongoDB, then asks a
# running clusterd (from `make run`) to cluster them and prints the clusters.
demo: build
	@uri=$${MONGODB_URI:-$$(scripts/mongo-embedded start $(MONGO_PORT))/clusterd}; \
	.venv/bin/python scripts/load-sample.py "$$uri" samples/sgd-sample.jsonl && \
	$(BIN)/clusterctl force --wait && $(BIN)/clusterctl clusters

# The compute-bound test targets (k-means, k rules, stability seeds, MiniLM parity and kernels) run in a pass of
# their own before the rest: their synchronous work holds Swift Testing's cooperative threads (two on two cores),
# and beside them the socket, lifecycle and time-limited suites stalled for up to two minutes.
COMPUTE_TESTS := ^(ClusterdClusteringTests|ClusterdEmbeddingTests|ClusterdModelTests)\.

# Every test: the C client's own (reader, fake server, header, exports), then the Swift suites (unit, channel,
# integration, end-to-end: clusterctl, the C client against the real server, also under valgrind), then the
# Python client's (mypy --strict, pytest against the real server), all on one embedded MongoDB. A crash prints
# only the crashed thread's frames (the image list would push them out of a CI log's tail).
test: setup
	swift build --build-tests
	$(MAKE) -s -C clients/c all
	$(MAKE) -s -C clients/c check
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(MONGO_TEST_COMMANDS=1 scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	export SWIFT_BACKTRACE="enable=yes,interactive=no,images=none,registers=none,threads=crashed,limit=60" \
	  CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BIN="$$PWD/.build/debug/clusterd" \
	  CLUSTERCTL_BIN="$$PWD/.build/debug/clusterctl" CLUSTERD_C_TEST_BIN="$$PWD/clients/c/build/clusterd-test"; \
	swift test --skip-build --filter '$(COMPUTE_TESTS)' && swift test --skip-build --skip '$(COMPUTE_TESTS)' && \
	  $(MAKE) -s test-python
	.build/debug/clusterd-fuzz fuzz/corpus

# The Python client: types, then pytest (exit 5, "no tests collected", fails like any other failure). Uses
# $$CLUSTERD_TEST_MONGODB_URI when set, else starts its own embedded MongoDB; $$CLUSTERD_BIN / $$CLUSTERCTL_BIN
# when set, else the newest .build*/debug binaries.
test-python: setup
	cd clients/python && ../../.venv/bin/python -m mypy
	.venv/bin/python -m pytest clients/python/tests -q

# libFuzzer on the frame decoder and message decoding: the Swift server path, the C client's reader, and the C
# client's reader behind its TLS session (frames split across TLS records at input-chosen points), each for
# FUZZ_RUNS executions (-1: no count bound) or FUZZ_SECONDS, whichever comes first (address sanitizer on).
# `make fuzz-smoke` is the short run CI does.
FUZZ_SECONDS ?= 300
FUZZ_RUNS ?= 1000000
FUZZ_CONFIG ?= release
CLANG ?= /opt/swift/usr/bin/clang

fuzz: setup
	swift build -c $(FUZZ_CONFIG) --scratch-path .build-fuzz --product clusterd-fuzz \
	  -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld
	mkdir -p .build-fuzz/c
	$(CLANG) -g -O1 -fuse-ld=lld -fsanitize=fuzzer,address -std=c11 -Iclients/c/include -Iclients/c/src \
	  -ISources/ClusterdWire/include fuzz/c/fuzz_reader.c $(wildcard clients/c/src/*.c) \
	  Sources/ClusterdWire/clusterd.pb-c.c -lprotobuf-c -lssl -lcrypto -o .build-fuzz/c/fuzz-frames
	$(CLANG) -g -O1 -fuse-ld=lld -fsanitize=fuzzer,address -std=c11 -Iclients/c/include -Iclients/c/src \
	  -ISources/ClusterdWire/include fuzz/c/fuzz_tls_frames.c $(wildcard clients/c/src/*.c) \
	  Sources/ClusterdWire/clusterd.pb-c.c -lprotobuf-c -lssl -lcrypto -lpthread -o .build-fuzz/c/fuzz-tls-frames
	scripts/fuzz-run $(FUZZ_SECONDS) $(FUZZ_CONFIG) $(FUZZ_RUNS)

fuzz-smoke:
	$(MAKE) fuzz FUZZ_SECONDS=15 FUZZ_RUNS=-1 FUZZ_CONFIG=debug

# The load tests (Tests/LoadTests: correctness under load, from the test binary) against a release server, then
# the load matrix (1/16/64/256 connections, depth 1/16, GetStatus and TriggerAnalysis) from a release client
# (clusterd-rpc-bench --matrix, the same LoadGenerator), then the check that every triggered message is analysed.
# CLUSTERD_LOAD=full also runs the matrix from the (debug) test binary.
load: setup
	swift build -c release --product clusterd
	swift build -c release --product clusterd-rpc-bench
	swift build --build-tests
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(MONGO_NICE=10 scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	export CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BIN="$$PWD/.build/release/clusterd"; \
	swift test --skip-build --filter LoadTests && .build/release/clusterd-rpc-bench --matrix $(BENCH_RPC_ARGS)

# GetStatus throughput against a minimal SwiftNIO echo server (the transport's ceiling), and TriggerAnalysis p99
# at half of peak throughput, against a release server, from a release load client (clusterd-rpc-bench; options in
# BENCH_RPC_ARGS, e.g. "--client-threads 2 --hashing"). The embedded MongoDB runs at nice 10: on a 2-core machine it
# stands in for a MongoDB on other hardware instead of taking a core from the server under test.
bench-rpc: setup
	swift build -c release --product clusterd
	swift build -c release --product clusterd-rpc-bench
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(MONGO_NICE=10 scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BIN="$$PWD/.build/release/clusterd" \
	.build/release/clusterd-rpc-bench $(BENCH_RPC_ARGS)

# What metrics cost on the RPC path: the per-call recording cost (release), and TriggerAnalysis/GetStatus throughput,
# latency and server CPU per call of a release server with metrics against one with CLUSTERD_METRICS=off (and, with
# BASELINE_BIN=path, a build without the metrics code), in alternating rounds.
bench-metrics: setup
	swift build -c release --product clusterd
	swift build -c release --product clusterd-metrics-bench
	.build/release/clusterd-metrics-bench
	swift build --build-tests
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	CLUSTERD_BENCH_METRICS=1 CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BIN="$$PWD/.build/release/clusterd" \
	CLUSTERD_BENCH_BASELINE_BIN="$(BASELINE_BIN)" swift test --skip-build --filter MetricsCostTests

# Ingest at volume (issue 12) through a release clusterd, each scenario on a fresh embedded store of its own (in
# memory up to 200,000 messages, on disk above): N messages (real chat texts, 5 per conversation; inserting is not
# timed) found by the catch-up sweep (inserted before clusterd starts) and triggered (TriggerAnalysisBatch, 1,000 a
# call, queue-full refusals retried), with the hashing embedder, then MINILM_N with MiniLM beside MiniLM's own rate on
# the same texts in the same command (MINILM_N=0 skips it). Prints messages/s, clusterd's and the store's CPU seconds
# per 1,000 messages and share of a core, clusterd's peak RSS (VmHWM) and wall time; ROUNDS alternate the scenarios
# (medians and range with ROUNDS ≥ 3); load average at start and end. N=1000000 is the long run. BENCH_INGEST_ARGS
# adds options (bench/README.md), e.g. "--server-env CLUSTERD_TICK_SECONDS=1" or "--timeout-per-1000 300".
N ?= 100000
MINILM_N ?= 5000
ROUNDS ?= 1
bench-ingest: setup
	swift build -c release --product clusterd
	swift build -c release --product clusterd-ingest-bench
	CLUSTERD_BIN="$$PWD/.build/release/clusterd" .build/release/clusterd-ingest-bench --messages $(N) \
	  --minilm-messages $(MINILM_N) --rounds $(ROUNDS) $(BENCH_INGEST_ARGS)

# The native MiniLM embedder against onnxruntime (fp32, same model) on 1,000 chat texts, 2 threads each: clusterd as
# 2 threads per call and as 2 callers of 1 thread, 3 rounds, median and spread, load before and after (no ratio
# above load 1)
# (bench/README.md). The baseline's PyPI packages go into .venv on first use.
bench: setup
	swift build -c release --product clusterd-bench
	scripts/bench .build/release/clusterd-bench

# k-means at scale (issue 13): N synthetic conversations (unit vectors around K known centres, generated in the command
# and written once under .state/bench-cluster) clustered by clusterd's k-means (in its own process; beyond
# CLUSTER_MEMORY_MB fitted on a sample and the rest assigned in a streaming pass, as a service run does) and by
# scikit-learn's KMeans and MiniBatchKMeans and faiss (installed into .venv on first use) on the same file: wall time,
# peak RSS, inertia of the partition and ARI to the true centres, ratios to scikit-learn and faiss; ROUNDS rounds
# (medians); load average before and after. N=1000000 is the long run; BENCH_CLUSTER_ARGS adds options.
K ?= 100
CLUSTER_MEMORY_MB ?= 1024
bench-cluster: setup
	swift build -c release --product clusterd-cluster-bench
	scripts/bench-cluster .build/release/clusterd-cluster-bench --sizes $(N) --k $(K) --rounds $(ROUNDS) \
	  --memory-mb $(CLUSTER_MEMORY_MB) $(BENCH_CLUSTER_ARGS)

# Claude at volume (issue 15): the in-process service against the fake Messages API at 50 requests per minute
# (429 past it), hashing embedder, default Claude settings. Prints when 95% of messages carry Claude concepts, the
# concept requests, tokens, the most requests in any minute and when every cluster was named by Claude; checks the
# targets for the default 940 messages in 120 conversations. Bounded by BENCH_LLM_SECONDS (300). Larger:
# `make bench-llm BENCH_LLM_MESSAGES=100000 BENCH_LLM_CONVERSATIONS=12000 BENCH_LLM_BATCH_API=auto
# BENCH_LLM_DAILY_TOKENS=20000000` (about 79 tokens a message: the default daily budget covers about 25,000).
BENCH_LLM_MESSAGES ?= 940
BENCH_LLM_CONVERSATIONS ?= 120
BENCH_LLM_SECONDS ?= 300
BENCH_LLM_BATCH_API ?= off
BENCH_LLM_DAILY_TOKENS ?= 2000000
bench-llm: setup
	swift build --build-tests
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BENCH_LLM=1 BENCH_LLM_MESSAGES=$(BENCH_LLM_MESSAGES) \
	  BENCH_LLM_CONVERSATIONS=$(BENCH_LLM_CONVERSATIONS) BENCH_LLM_SECONDS=$(BENCH_LLM_SECONDS) \
	  BENCH_LLM_BATCH_API=$(BENCH_LLM_BATCH_API) BENCH_LLM_DAILY_TOKENS=$(BENCH_LLM_DAILY_TOKENS) \
	  swift test --skip-build --filter LLMVolumeBench

# Clustering quality: the engine's own code path (native MiniLM, ClusteringEngine, its k-means and k rule) on the
# labelled sets in EVAL_DATA, ACC / NMI / ARI per set for gold k and the unknown-k grid rule, seeds 0..4, beside the
# README's plain Python reference. Embeddings are cached in .state/eval-cache (keyed by a hash of each file), so
# only the first run embeds (a few minutes). Both the engine's default 3 k-means++ starts and 10 (sklearn's n_init)
# are run (the grid rule takes about a minute per seed on BANKING77 and CLINC150; results in bench/README.md);
# EVAL_ARGS replaces the options (clusterd-eval --help), e.g. EVAL_ARGS="--sets sgd --k-range 2-40".
EVAL_DATA ?= ../shared/eval
EVAL_ARGS ?= --initializations 3,10
eval: setup
	swift build -c release --product clusterd-eval
	.build/release/clusterd-eval --data $(EVAL_DATA) $(EVAL_ARGS)

lint:
	swift format lint -r Sources Tests Package.swift

proto:
	scripts/gen-proto

clean:
	rm -rf .build clients/c/build
