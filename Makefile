# Trident — make run · make test · make bench · make deps · make lint
SWIFT ?= swift
PYTHON ?= python3
HOST ?= 127.0.0.1
PORT ?= 8000
DATA_DIR ?= trident-data
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
DEPS_STAMP := .build/.deps-$(shell cat Tests/compat/requirements.txt 2>/dev/null | cksum | cut -d' ' -f1)

.PHONY: deps browser example run build release test unit-test compat-test fuzz sanitize bench bench-engine bench-ttl lint clean

## deps: install what is missing — liblmdb-dev and zlib1g-dev (apt) and the pinned Python test clients (pip)
deps: $(DEPS_STAMP)

# The console's browser test needs Debian's chromium and its driver; only the tests install them.
browser:
	@command -v chromium >/dev/null && command -v chromedriver >/dev/null || { $(SUDO) apt-get install -y chromium chromium-driver || { $(SUDO) apt-get update && $(SUDO) apt-get install -y chromium chromium-driver; }; }

$(DEPS_STAMP): Tests/compat/requirements.txt
	@pkg-config --exists lmdb zlib || { $(SUDO) apt-get install -y liblmdb-dev zlib1g-dev || { $(SUDO) apt-get update && $(SUDO) apt-get install -y liblmdb-dev zlib1g-dev; }; }
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check -r Tests/compat/requirements.txt
	@mkdir -p .build && touch $@

## run: release build, then serve on $(HOST):$(PORT) with data in ./$(DATA_DIR) (more flags: ARGS="...")
run: deps release
	.build/release/trident serve --host $(HOST) --port $(PORT) --data-dir $(DATA_DIR) $(ARGS)

## example: the session-store argument end to end — sticky in-memory sessions against a shared Trident table (examples/session-failover)
example: deps release
	$(PYTHON) examples/session-failover/driver.py --trident .build/release/trident

build: deps
	$(SWIFT) build

# The Swift runtime linked in: a smaller resident footprint and a faster start (see the README).
release: deps
	$(SWIFT) build -c release --product trident --static-swift-stdlib

## test: unit tests, then the compat suite (pytest + boto3) against freshly started servers
test: deps browser
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	for target in http json expressions partiql; do .build/debug/trident-fuzz $$target Tests/fuzz/$$target || exit 1; done
	$(PYTHON) -m pytest -q Tests/compat --trident-binary .build/debug/trident

unit-test: deps
	$(SWIFT) test

compat-test: build browser
	$(PYTHON) -m pytest -q Tests/compat --trident-binary .build/debug/trident

FUZZ_SECONDS ?= 60
# libFuzzer without its main (the fuzz executable has SwiftPM's), from the toolchain's clang runtime.
FUZZER_LIBRARY = $(firstword $(wildcard $(dir $(shell command -v swiftc))../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a))
FUZZ_TARGETS ?= http json expressions partiql

## fuzz: each target under libFuzzer and AddressSanitizer for FUZZ_SECONDS (http: the framer against NIOHTTP1; json; expressions; partiql); inputs that crash land in Tests/fuzz/crashes/
# LeakSanitizer is off: it cannot follow Swift enum payload pointers that carry the case in their
# spare bits and reports them as lost; memory is bounded by -rss_limit_mb instead, and
# TRIDENT_FUZZ_REPEAT=N on the replay build shows whether an input's memory grows with N.
fuzz: deps
	$(SWIFT) build --product trident-fuzz --scratch-path .build-fuzz -Xswiftc -DFUZZING -Xswiftc -sanitize=address \
		-Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp -Xlinker $(FUZZER_LIBRARY) -Xlinker -lstdc++
	@mkdir -p Tests/fuzz/crashes
	for target in $(FUZZ_TARGETS); do mkdir -p .build-fuzz/corpus/$$target; \
		ASAN_OPTIONS=detect_leaks=0 TRIDENT_FUZZ_TARGET=$$target .build-fuzz/debug/trident-fuzz -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=1536 -detect_leaks=0 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=Tests/fuzz/crashes/$$target- .build-fuzz/corpus/$$target Tests/fuzz/$$target || exit 1; done

## sanitize: the unit tests under AddressSanitizer (leak checks off, as for make fuzz), then ThreadSanitizer
sanitize: deps
	ASAN_OPTIONS=detect_leaks=0 $(SWIFT) test --sanitize=address --scratch-path .build-asan
	$(SWIFT) test --sanitize=thread --scratch-path .build-tsan

MOTO_VERSION := 5.2.1

## bench: release build side by side with its null backend, nginx and moto, servers on CPU 1, wrk on CPU 0 (BENCH_ITEMS, BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_WORKLOADS, BENCH_PEERS, BENCH_VARIANTS, BENCH_SIZE_CHECK=1)
bench: deps release
	@command -v wrk >/dev/null && command -v nginx >/dev/null || { $(SUDO) apt-get install -y wrk nginx-light || { $(SUDO) apt-get update && $(SUDO) apt-get install -y wrk nginx-light; }; }
	@command -v moto_server >/dev/null || $(PYTHON) -m pip install --quiet --disable-pip-version-check "moto[server]==$(MOTO_VERSION)"
	$(PYTHON) bench/run.py

## bench-engine: the engine alone, no HTTP (time per operation of the bench workloads)
bench-engine: deps
	$(SWIFT) build -c release --product trident-bench
	taskset -c 1 .build/release/trident-bench engine

## bench-ttl: one TTL sweep over 1,000,000 items with 1,000 expiring (release build)
bench-ttl: deps
	$(SWIFT) build -c release --product trident-bench
	.build/release/trident-bench ttl-sweep --items 1000000 --expiring 1000

lint:
	$(SWIFT) format lint --recursive Sources Tests

clean:
	rm -rf .build
