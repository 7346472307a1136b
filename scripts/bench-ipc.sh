#!/usr/bin/env bash
# Measures bytes to the webview (srimg: protocol, ipc::Response, JSON Vec<u8>) in the real webview.
# Builds a copy of the app with the bench-only commands, then restores the normal build.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
cd src-tauri
# The bench commands need their own capability, granted only in this build.
TAURI_CONFIG='{"app":{"security":{"capabilities":["default","ipc-bench"]}}}' \
  cargo build --locked --release -p srview-app --features tauri/custom-protocol,srview-app/ipc-bench
cp target/release/srview-app target/release/srview-app-ipc-bench
cargo build --locked --release -p srview-app --features tauri/custom-protocol
cd ..
SRVIEW_APP=src-tauri/target/release/srview-app-ipc-bench xvfb-run -a -s "-screen 0 1280x800x24" node tests/e2e/ipc-bench.mjs
