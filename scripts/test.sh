#!/usr/bin/env bash
# Sets everything up, builds once, and runs every test: Rust (engine, CLI, Tauri commands,
# bindings), frontend unit tests, the end-to-end suite in the real webview, and the .deb built
# from the same release binaries. Prints the time each stage took at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/.."

# --- The stage table: wall time, and CPU time (user + system, children included, from `times`).
stage_names=() stage_walls=() stage_cpus=() stage_results=()
current_stage="" stage_started=0 stage_cpu_started=0 cpu_now=0
times_file=$(mktemp)

read_cpu() { # sets cpu_now: the shell's and its finished children's CPU seconds so far
  times >"$times_file" # here, not in a subshell, whose `times` would not count our children
  cpu_now=$(awk '{ for (i = 1; i <= NF; i++) { split($i, t, "m"); sub("s", "", t[2]); sum += t[1] * 60 + t[2] } }
                 END { printf "%.1f", sum }' "$times_file")
}

stage_done() { # stage_done RESULT
  read_cpu
  stage_names+=("$current_stage")
  stage_walls+=("$(awk -v a="$stage_started" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')")
  stage_cpus+=("$(awk -v a="$stage_cpu_started" -v b="$cpu_now" 'BEGIN { printf "%.1f", b - a }')")
  stage_results+=("$1")
  current_stage=""
}

stage() { # stage NAME COMMAND...: runs COMMAND as one row of the table
  current_stage=$1
  shift
  echo "== $current_stage"
  read_cpu
  stage_cpu_started=$cpu_now stage_started=$(date +%s.%N)
  "$@"
  stage_done ok
}

print_stage_table() {
  local status=$?
  if [[ -n $current_stage ]]; then stage_done "FAILED (exit $status)"; fi
  echo
  echo "== Stage times (CPU: user + system of every process; $(nproc) cores)"
  local wall=0 cpu=0
  printf '%-28s %9s %9s  %s\n' stage "wall s" "CPU s" result
  for i in "${!stage_names[@]}"; do
    printf '%-28s %9s %9s  %s\n' "${stage_names[$i]}" "${stage_walls[$i]}" "${stage_cpus[$i]}" "${stage_results[$i]}"
    wall=$(awk -v a="$wall" -v b="${stage_walls[$i]}" 'BEGIN { print a + b }')
    cpu=$(awk -v a="$cpu" -v b="${stage_cpus[$i]}" 'BEGIN { print a + b }')
  done
  printf '%-28s %9.1f %9.1f\n' total "$wall" "$cpu"
  rm -f "$times_file"
}
trap print_stage_table EXIT

# --- The stages. One build (release profile) serves the Rust tests, the end-to-end suite and
# the .deb; the test features are the package's (tauri/custom-protocol).
# SRVIEW_E2E_LOCK=FILE: on a machine shared by several checkouts, the stages that need port 4444
# (tauri-driver) or install the package run one at a time (flock FILE).
locked() { if [[ -n ${SRVIEW_E2E_LOCK:-} ]]; then flock "$SRVIEW_E2E_LOCK" "$@"; else "$@"; fi; }
cargo_test() { (cd src-tauri && cargo test --locked --release --workspace --features tauri/custom-protocol "$@"); }
end_to_end() {
  # A guard: the tests' features are the build's, so this finds nothing to compile.
  scripts/build.sh --rust --quiet
  locked npm run test:e2e --silent
}
# The GPU check's bundle, built and run as the GPU machine would run it (README, "GPU check"):
# a dry run on this machine, with the Python, venv and libraries the bundle was made from
# hidden (a private mount namespace, where unshare is allowed).
gpu_check_dry_run() {
  local tmp status=0
  tmp=$(mktemp -d)
  # `bundle` never deletes what is not an earlier bundle: a user's folder and file survive it.
  mkdir "$tmp/users"
  echo mine >"$tmp/users/notes.txt"
  echo mine >"$tmp/users-file"
  for target in "$tmp/users" "$tmp/users-file"; do
    if scripts/gpu-check.sh bundle "$target" 2>/dev/null; then
      echo "gpu-check: bundle wrote into $target, which was not its own" >&2
      status=1
    fi
  done
  [[ $(cat "$tmp/users/notes.txt" "$tmp/users-file") == $'mine\nmine' && $(ls -A "$tmp/users") == notes.txt ]] ||
    { echo "gpu-check: bundle changed a user's files" >&2; status=1; }
  scripts/gpu-check.sh bundle "$tmp/bundle"
  local libpython stdlib venv hide=""
  libpython=$(sed -n 's/^libpython=//p' "$tmp/bundle/built-from.txt")
  stdlib=$(sed -n 's/^stdlib=//p' "$tmp/bundle/built-from.txt")
  venv=$(sed -n 's/^venv=//p' "$tmp/bundle/built-from.txt")
  for dir in "$stdlib" "$venv" /usr/lib/python3.11; do [[ -d $dir ]] && hide+="mount -t tmpfs none '$dir'; "; done
  for file in "$libpython" /usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0 /usr/lib/x86_64-linux-gnu/libvulkan.so* \
    /usr/lib/x86_64-linux-gnu/libgomp.so.1*; do
    [[ -f $file ]] && hide+="mount --bind /dev/null '$file'; "
  done
  local run=(scripts/gpu-check.sh run "$tmp/bundle" "$tmp/out" --dry)
  mkdir "$tmp/probe"
  if unshare --mount sh -c "mount -t tmpfs none '$tmp/probe'" 2>/dev/null; then
    unshare --mount bash -c "set -e; $hide exec \"\$@\"" gpu-check "${run[@]}" || status=$?
  else
    echo "gpu-check: unshare is not allowed here; the dry run sees this machine's Python (the loaded libraries are still checked)"
    "${run[@]}" || status=$?
  fi
  ((status == 0)) && .venv/bin/python scripts/gpu-check/verify_dry.py "$tmp/out" "$tmp/bundle" || status=$((status ? status : 1))
  ((status == 0)) || cat "$tmp/out/summary.md" 2>/dev/null || true
  rm -rf "$tmp"
  return "$status"
}

stage setup scripts/setup.sh
stage "frontend build" npm run build --silent
stage "Rust build" scripts/build.sh --rust
stage "Rust test build" cargo_test --no-run
stage "Rust tests" cargo_test
stage "frontend unit tests" npm run test:unit --silent
stage "end-to-end tests" end_to_end
stage "GPU check dry run" gpu_check_dry_run
if [[ "${SRVIEW_SKIP_PACKAGE_TEST:-}" != "1" ]]; then
  package_log=$(mktemp)
  stage "package build" eval 'scripts/package.sh --built | tee "$package_log"'
  stage "package test" locked scripts/test-package.sh "$(sed -n 's/^package: //p' "$package_log")"
  rm -f "$package_log"
fi
