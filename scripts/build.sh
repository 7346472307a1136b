#!/usr/bin/env bash
# Builds the frontend, then every Rust binary: srview (CLI) and srview-app (desktop, with the
# frontend embedded). Needs scripts/setup.sh first.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
cd src-tauri
# custom-protocol embeds dist/ instead of loading the Vite dev server; the tests use the same features.
cargo build --locked --workspace --features tauri/custom-protocol
