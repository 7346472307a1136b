#!/usr/bin/env bash
# Builds the frontend, then every Rust binary: srview (CLI) and srview-app (desktop, with the
# frontend embedded), in the release profile: the binaries the tests, the end-to-end suite and
# the .deb use. Needs scripts/setup.sh first.
#   --rust   the Rust binaries only (dist/ as it is)
#   --quiet  no cargo output unless it fails
set -euo pipefail
cd "$(dirname "$0")/.."
rust_only=0 quiet=()
for arg in "$@"; do
  case $arg in
    --rust) rust_only=1 ;;
    --quiet) quiet=(--quiet) ;;
    *) echo "build: unknown option $arg" >&2; exit 2 ;;
  esac
done
((rust_only)) || npm run build --silent
cd src-tauri
# custom-protocol embeds dist/ instead of loading the Vite dev server; the tests use the same
# features, so `cargo test --release` reuses everything built here.
cargo build "${quiet[@]}" --locked --release --workspace --features tauri/custom-protocol
