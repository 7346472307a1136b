#!/usr/bin/env bash
# The GPU check: measures SRView on a machine with a GPU that can fetch nothing and has no
# Python 3.11 (README, "GPU check").
#   scripts/gpu-check.sh bundle DIR         here, after scripts/build.sh: a self-contained bundle
#                                           (srview, Python 3.11 runtime, sr_vulkan, 3 models,
#                                           the Vulkan loader); prints its size
#   scripts/gpu-check.sh run DIR OUT [--dry] [--gpu ID]
#                                           there: Markdown and JSON summaries in OUT, within
#                                           8 minutes (--dry: one small page, a reduced set;
#                                           --gpu: srview's device, default its own choice)
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
MAX_MIB=60
MODELS=(waifu2x:WAIFU2X_CUNET_UP2X waifu2x:WAIFU2X_ANIME_UP2X realcugan:REALCUGAN_SE_UP2X)
# Debian packages whose libraries sr_vulkan loads (libvulkan dlopened, libgomp linked); libexpat
# and zlib, which libpython links, go to lib/fallback for a machine without them.
DEBS=(libvulkan1 libgomp1)
FALLBACK_DEBS=(libexpat1 zlib1g)

die() { echo "gpu-check: $*" >&2; exit 1; }
MARKER=.srview-gpu-bundle

bundle() {
  local dir=$1 srview=$ROOT/src-tauri/target/release/srview
  [[ -x $srview ]] || die "no $srview: run scripts/build.sh first"
  local venv=${SRVIEW_VENV:-$ROOT/.venv}
  local site=$venv/lib/python3.11/site-packages
  [[ -d $site/sr_vulkan ]] || die "no sr_vulkan in $site: run scripts/setup.sh first"
  # DIR is new, empty, or an earlier bundle (its marker file): nothing else is ever deleted.
  [[ ! -e $dir || -d $dir ]] || die "$dir is a file; choose a new or empty folder"
  if [[ -e $dir && -n $(ls -A "$dir" 2>/dev/null) ]]; then
    [[ -f $dir/$MARKER ]] || die "$dir is not empty and holds no earlier bundle; choose a new or empty folder"
    rm -rf "$dir"
  fi
  mkdir -p "$dir/bin" "$dir/lib/fallback" "$dir/python/bin" "$dir/python/lib/python3.11/site-packages"
  dir=$(cd "$dir" && pwd)
  local engine=$dir/python packages=$dir/python/lib/python3.11/site-packages

  echo "An SRView GPU-check bundle; scripts/gpu-check.sh bundle replaces this folder." >"$dir/$MARKER"
  strip -o "$dir/bin/srview" "$srview"
  # The libpython srview links (its RUNPATH, as the .deb has it), and the prefix of its stdlib.
  local libpython
  libpython=$(ldd "$srview" | awk '/libpython3\.11/ { print $3 }')
  [[ -f $libpython ]] || die "srview links no libpython3.11 that ldd finds"
  local prefix=$libpython
  while [[ $prefix != / && ! -f $prefix/lib/python3.11/os.py ]]; do prefix=$(dirname "$prefix"); done
  [[ -f $prefix/lib/python3.11/os.py ]] || die "no standard library found above $libpython"
  strip -o "$dir/lib/libpython3.11.so.1.0" "$libpython"
  gcc -O2 -o "$engine/bin/python3.11" "$HERE/gpu-check/launcher.c" -I"$prefix/include/python3.11" \
    -L"$dir/lib" -l:libpython3.11.so.1.0 -Wl,-rpath,'$ORIGIN/../../lib'
  ln -s python3.11 "$engine/bin/python"
  local version
  version=$(LD_LIBRARY_PATH=$dir/lib PYTHONHOME=$prefix "$engine/bin/python3.11" -s -S -c 'import sys; print(sys.version.split()[0])')
  # The engine's "venv": srview reads its version; PYTHONHOME (set by `run`) is the real home.
  printf 'home = %s\ninclude-system-site-packages = false\nversion = %s\n' "$engine/bin" "$version" >"$engine/pyvenv.cfg"
  LD_LIBRARY_PATH=$dir/lib PYTHONHOME=$prefix "$engine/bin/python3.11" -s -S "$HERE/gpu-check/stdlib_zip.py" \
    "$site" "$engine/lib/python311.zip" "$engine/lib/python3.11/lib-dynload"

  # sr_vulkan (its extension and package files), and only the models the check uses.
  mkdir -p "$packages/sr_vulkan"
  cp "$site"/sr_vulkan/*.py "$packages/sr_vulkan/"
  strip -o "$packages/sr_vulkan/sr_vulkan.so" "$site/sr_vulkan/sr_vulkan.so"
  local entry family model
  for entry in "${MODELS[@]}"; do
    family=${entry%%:*} model=${entry#*:}
    mkdir -p "$packages/sr_vulkan_model_$family/models"
    cp "$site/sr_vulkan_model_$family/__init__.py" "$packages/sr_vulkan_model_$family/"
    cp "$site/sr_vulkan_model_$family/models/$model".{param,bin} "$packages/sr_vulkan_model_$family/models/"
  done

  # The Vulkan loader and libgomp, from Debian's packages (the installed ones when offline).
  local debs
  debs=$(mktemp -d)
  local package
  for package in "${DEBS[@]}" "${FALLBACK_DEBS[@]}"; do
    local target=$dir/lib
    [[ " ${FALLBACK_DEBS[*]} " == *" $package "* ]] && target=$dir/lib/fallback
    mkdir -p "$debs/$package"
    if (cd "$debs" && apt-get download -q "$package" >/dev/null 2>&1) && dpkg-deb -x "$debs/$package"_*.deb "$debs/$package"; then
      find "$debs/$package" -name '*.so.*' \( -type f -o -type l \) -exec cp -a {} "$target/" \;
    else
      echo "gpu-check: apt-get download $package failed; copying the installed files" >&2
      dpkg -L "$package" | grep '\.so\.' | while read -r file; do [[ -e $file ]] && cp -a "$file" "$target/"; done
    fi
  done
  rm -rf "$debs"
  # ncnn asks for libvulkan.so before libvulkan.so.1: both must be the bundle's.
  ln -s libvulkan.so.1 "$dir/lib/libvulkan.so"
  cp "$HERE/gpu-check/check.py" "$dir/check.py"
  # What the bundle was made from: the dry run hides these to prove that it needs none of them.
  printf 'libpython=%s\nstdlib=%s\nvenv=%s\n' "$(readlink -f "$libpython")" "$prefix/lib/python3.11" \
    "$(readlink -f "$venv")" >"$dir/built-from.txt"
  cp "$HERE/gpu-check.sh" "$dir/gpu-check.sh"

  local bytes
  bytes=$(du -sb "$dir" | cut -f1)
  awk -v b="$bytes" -v d="$dir" 'BEGIN { printf "bundle: %s, %.1f MiB\n", d, b / 1048576 }'
  ((bytes <= MAX_MIB * 1048576)) || die "the bundle is above $MAX_MIB MiB"
}

# The environment the bundle runs in: its own libraries first, its own Python home, and no
# trace of a Python or venv of the machine's.
bundle_env() {
  local dir=$1 out=$2 path=$1/lib
  if ! ldconfig -p 2>/dev/null | grep -q 'libexpat\.so\.1 ' || ! ldconfig -p 2>/dev/null | grep -q 'libz\.so\.1 '; then
    path=$path:$dir/lib/fallback
  fi
  unset PYTHONPATH PYTHONSTARTUP PYTHONUSERBASE VIRTUAL_ENV SRVIEW_VENV SRVIEW_PIPELINE_DEPTH SRVIEW_LOG SRVIEW_TRACE
  export LD_LIBRARY_PATH=$path PYTHONHOME=$dir/python SRVIEW_VENV=$dir/python PYTHONNOUSERSITE=1
  # The machine's user folders are not read (models folder, optional packages, caches), and the
  # driver's shader cache does not land in OUT.
  local home
  home=$(mktemp -d "${TMPDIR:-/tmp}/srview-gpu-check-home.XXXXXX")
  export HOME=$home XDG_DATA_HOME=$home/data XDG_CACHE_HOME=$home/cache XDG_CONFIG_HOME=$home/config
  mkdir -p "$XDG_DATA_HOME/srview/models"
  # The NVIDIA driver's Vulkan manifest, where the container has the driver but not the file.
  if ! ls /etc/vulkan/icd.d/nvidia*.json /usr/share/vulkan/icd.d/nvidia*.json >/dev/null 2>&1; then
    local nvidia
    nvidia=$(ldconfig -p 2>/dev/null | awk '/libGLX_nvidia\.so\.0 / { print $NF; exit }')
    if [[ -n $nvidia ]]; then
      mkdir -p "$out/icd.d"
      printf '{"file_format_version": "1.0.0", "ICD": {"library_path": "%s", "api_version": "1.3.0"}}\n' "$nvidia" \
        >"$out/icd.d/nvidia_icd.json"
      export VK_ADD_DRIVER_FILES=$out/icd.d/nvidia_icd.json
    fi
  fi
}

run() {
  local dir out
  dir=$(cd "$1" && pwd)
  mkdir -p "$2"
  out=$(cd "$2" && pwd)
  shift 2
  [[ -x $dir/bin/srview && -f $dir/check.py ]] || die "$dir is not a bundle (scripts/gpu-check.sh bundle DIR)"
  bundle_env "$dir" "$out"
  # -s -S: no user site, no site (PYTHONHOME must count, so not -I).
  local status=0
  "$dir/python/bin/python3.11" -s -S "$dir/check.py" "$dir" "$out" "$@" || status=$?
  rm -rf "$HOME"
  return "$status"
}

case ${1:-} in
  bundle) [[ $# -eq 2 ]] || die "usage: $0 bundle DIR"; bundle "$2" ;;
  run) [[ $# -ge 3 ]] || die "usage: $0 run DIR OUT [--dry] [--gpu ID]"; run "${@:2}" ;;
  *) die "usage: $0 bundle DIR | run DIR OUT [--dry] [--gpu ID]" ;;
esac
