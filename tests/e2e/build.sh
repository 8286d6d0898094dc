#!/bin/sh
# Builds dist/ the way the Makefile's `make build` does (for running the e2e suite on its
# own): wasm → wasm-bindgen → wasm-opt (npm binaryen) → extension/build.mjs.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
PATH="$root/.tools/bin:/work/main/.tools/bin:$PATH"
cargo build --lib --release --target wasm32-unknown-unknown
wasm-bindgen --target web --out-dir dist/pkg --out-name authlens target/wasm32-unknown-unknown/release/authlens.wasm
tests/e2e/node_modules/.bin/wasm-opt -Oz dist/pkg/authlens_bg.wasm -o dist/pkg/authlens_bg.wasm
node extension/build.mjs
printf 'wasm: %s bytes, %s gzipped\n' "$(wc -c < dist/pkg/authlens_bg.wasm)" "$(gzip -9c dist/pkg/authlens_bg.wasm | wc -c)"
