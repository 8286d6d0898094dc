# authlens — build, run and test. `make help` lists the targets.
#
# Setup happens inside the targets and is idempotent: a fresh Debian 12 machine (root)
# needs nothing but this repository and the package registries.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

WASM_BINDGEN_VERSION := 0.2.130
TOOLS    := $(CURDIR)/.tools
E2E      := tests/e2e
NODE_BIN := $(E2E)/node_modules/.bin
WASM_TARGET := wasm32-unknown-unknown
PORT ?= 8401

BENCH := tests/bench
BENCH_OUT := target/bench
FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=
FUZZ_TARGETS := challenge challenge_diff challenge_compact credentials jwt jwt_compact_diff cookie har
CARGO_FUZZ_VERSION := 0.13.2

export PATH := $(TOOLS)/bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver
export CHROME_PATH ?= /usr/bin/chromium

.PHONY: help setup build run test lint test-native test-wasm test-e2e lint-firefox bench fuzz clean

help: ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

setup: ## Install what the build and tests need (idempotent): wasm target, wasm-bindgen-cli, Chromium, Firefox ESR, npm packages.
	@.ci/setup.sh $(WASM_BINDGEN_VERSION) $(TOOLS) $(E2E)

build: setup ## Build dist/chrome, dist/firefox, their zips and dist/www; print the wasm size.
	cargo build --lib --release --target $(WASM_TARGET)
	rm -rf dist/pkg
	wasm-bindgen --target web --no-typescript --out-dir dist/pkg --out-name authlens \
		target/$(WASM_TARGET)/release/authlens.wasm
	# -ocimfs 200: -Oz otherwise inlines every single-caller function into its caller, and
	# V8 then spends hundreds of ms optimising a few huge functions while the page's first
	# import runs unoptimised (tests/bench/profile.mjs lists them); also 13 KB gz smaller.
	$(NODE_BIN)/wasm-opt -Oz -ocimfs 200 --enable-bulk-memory --enable-nontrapping-float-to-int \
		--enable-sign-ext --enable-mutable-globals \
		dist/pkg/authlens_bg.wasm -o dist/pkg/authlens_bg.wasm
	node extension/build.mjs
	rm -f dist/authlens-chrome.zip dist/authlens-firefox.zip
	cd dist/chrome && python3 -m zipfile -c ../authlens-chrome.zip $$(ls -A)
	cd dist/firefox && python3 -m zipfile -c ../authlens-firefox.zip $$(ls -A)
	@raw=$$(stat -c %s dist/pkg/authlens_bg.wasm); gz=$$(gzip -9 -c dist/pkg/authlens_bg.wasm | wc -c); \
		printf 'wasm size: %s bytes raw, %s bytes gzipped (%d KiB)\n' "$$raw" "$$gz" "$$((gz / 1024))"

run: build ## Build, then serve the playground on 127.0.0.1:$(PORT) and explain how to load the extension.
	cargo build --release --bin authlens
	target/release/authlens demo --port $(PORT) --www dist/www --extension dist/chrome --launch

lint: setup ## cargo fmt --check, and clippy -D warnings for the host and for wasm32.
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) -- -D warnings
	cargo clippy --target $(WASM_TARGET) --test web --test web_panic -- -D warnings

test-native: ## Native unit, integration and property tests; compiles the fuzz targets.
	cargo test --lib --bins --tests
	cargo check --manifest-path fuzz/Cargo.toml --bins

test-wasm: setup ## wasm-bindgen tests in headless Chromium.
	cargo test --target $(WASM_TARGET) --test web
	cargo test --target $(WASM_TARGET) --test web_panic

test-e2e: build ## End-to-end: the built extension in real Chromium DevTools against the playground, and loaded in Firefox ESR.
	cd $(E2E) && npm test

lint-firefox: build ## web-ext lint on dist/firefox (0 errors required).
	$(NODE_BIN)/web-ext lint --source-dir dist/firefox --self-hosted --output text

test: lint test-native test-wasm test-e2e lint-firefox ## Everything CI runs: lint, native, wasm and e2e tests, Firefox lint.
	@echo "make test: all checks passed"

bench: build ## Benchmarks: native (divan), wasm vs JS libraries (Node), browser pipeline; one table with PASS/MISS.
	@stamp=$(BENCH)/node_modules/.authlens-lock; \
		if [ ! -f $$stamp ] || ! cmp -s $(BENCH)/package-lock.json $$stamp; then \
			(cd $(BENCH) && npm ci --no-audit --no-fund) && cp $(BENCH)/package-lock.json $$stamp; fi
	node $(BENCH)/gen.mjs --out $(BENCH_OUT)
	cargo bench --bench native
	cargo bench --bench targets
	cd $(BENCH) && node run.mjs --root $(CURDIR)

fuzz: ## Run each cargo-fuzz target for FUZZ_SECONDS (default 60), or for FUZZ_RUNS executions if set, in turn (nightly); print executions per target.
	@rustup toolchain list | grep -q '^nightly' || { echo 'make fuzz needs the nightly toolchain (rustup toolchain install nightly)'; exit 1; }
	@cargo fuzz --version 2>/dev/null | grep -q '$(CARGO_FUZZ_VERSION)' || \
		cargo install cargo-fuzz --version $(CARGO_FUZZ_VERSION) --locked --root $(TOOLS)
	cargo +nightly fuzz build -s none -a
	@mkdir -p fuzz/target/logs; rm -f fuzz/target/logs/make-fuzz.txt
	@for t in $(FUZZ_TARGETS); do \
		mkdir -p fuzz/target/corpus-work/$$t fuzz/target/artifacts/$$t; \
		echo "fuzz: $$t for $(if $(FUZZ_RUNS),$(FUZZ_RUNS) executions,$(FUZZ_SECONDS)s)"; \
		cargo +nightly fuzz run -s none -a $$t fuzz/target/corpus-work/$$t fuzz/corpus/$$t -- \
			$(if $(FUZZ_RUNS),-runs=$(FUZZ_RUNS),-max_total_time=$(FUZZ_SECONDS)) -print_final_stats=1 \
			-artifact_prefix=fuzz/target/artifacts/$$t/ > fuzz/target/logs/$$t.log 2>&1 \
			|| { tail -n 40 fuzz/target/logs/$$t.log; echo "fuzz: $$t FAILED, reproducer in fuzz/target/artifacts/$$t/"; exit 1; }; \
		printf '%-16s %12s executions\n' $$t "$$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz/target/logs/$$t.log)" \
			| tee -a fuzz/target/logs/make-fuzz.txt; \
	done

clean: ## Remove build output (keeps .tools and node_modules).
	rm -rf dist target
