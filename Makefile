# clusterd: `make run` starts the service on its embedded defaults, `make test` runs every test.
SHELL := /bin/bash
CONFIG ?= debug
BIN := .build/$(CONFIG)
MONGO_PORT ?= 27018
TEST_MONGO_PORT ?= 27099

.PHONY: all setup build run test test-swift test-c demo bench clean lint proto

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

# Loads a sample of real conversations (SGD, CC BY-SA 4.0; see samples/README.md) into MongoDB, then asks a
# running clusterd (from `make run`) to cluster them and prints the clusters.
demo: build
	@uri=$${MONGODB_URI:-$$(scripts/mongo-embedded start $(MONGO_PORT))/clusterd}; \
	.venv/bin/python scripts/load-sample.py "$$uri" samples/sgd-sample.jsonl && \
	$(BIN)/clusterctl force --wait && $(BIN)/clusterctl clusters

test: setup
	swift build --build-tests
	$(MAKE) -s -C clients/c all
	$(MAKE) -s -C clients/c check
	@scripts/mongo-embedded stop $(TEST_MONGO_PORT); \
	uri=$$(scripts/mongo-embedded start $(TEST_MONGO_PORT) :memory:) || exit 1; \
	trap 'scripts/mongo-embedded stop $(TEST_MONGO_PORT)' EXIT; \
	CLUSTERD_TEST_MONGODB_URI="$$uri" CLUSTERD_BIN="$$PWD/.build/debug/clusterd" \
	CLUSTERCTL_BIN="$$PWD/.build/debug/clusterctl" CLUSTERD_C_TEST_BIN="$$PWD/clients/c/build/clusterd-test" \
	swift test --skip-build

# The native MiniLM embedder against onnxruntime (fp32, same model) on 1,000 chat texts, 2 threads each
# (bench/README.md). The baseline's PyPI packages go into .venv on first use.
bench: setup
	swift build -c release --product clusterd-bench
	scripts/bench .build/release/clusterd-bench

lint:
	swift format lint -r Sources Tests Package.swift

proto:
	scripts/gen-proto

clean:
	rm -rf .build clients/c/build
