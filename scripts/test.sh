#!/usr/bin/env bash
# Sets everything up, builds, and runs every test: Rust (engine, CLI, Tauri commands,
# bindings), frontend unit tests, and the end-to-end suite in the real webview.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
echo "== Rust tests"
(cd src-tauri && cargo test --locked --workspace --features tauri/custom-protocol)
echo "== Frontend unit tests"
npm run test:unit --silent
echo "== End-to-end tests (tauri-driver, WebKitWebDriver, Xvfb)"
npm run test:e2e --silent
if [[ "${SRVIEW_SKIP_PACKAGE_TEST:-}" != "1" ]]; then
  echo "== The .deb: build, install, use, remove"
  scripts/test-package.sh
fi
