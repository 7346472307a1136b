#!/usr/bin/env bash
# Sets everything up, builds, and runs SRView. `scripts/run.sh [PATH]`
# With a display it opens the desktop viewer on PATH (default: the bundled samples/).
# Without one it upscales PATH with the srview CLI (on the CPU when there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
target=${1:-samples}
if [[ -n ${DISPLAY:-} || -n ${WAYLAND_DISPLAY:-} ]]; then
  exec src-tauri/target/release/srview-app "$target"
fi
echo "run: no display; upscaling $target with the CLI instead"
exec src-tauri/target/release/srview upscale "$target" --out-dir "${SRVIEW_OUT:-upscaled}"
