#!/usr/bin/env bash
# Installs the Debian packages renda needs beyond Python: a CJK font (PDF reports), poppler-utils (PDF checks in
# tests), HarfBuzz subsetting (small PDFs), Chromium (browser tests) and, with --bench, wrk (benchmarks).
# Does nothing when they are present.
set -euo pipefail
pkgs=()
has_font() { fc-list :lang=zh 2>/dev/null | grep -q .; }
has_font || pkgs+=(fonts-wqy-microhei fontconfig)
if [ "${1:-}" != "--font-only" ]; then
  command -v pdftotext >/dev/null || pkgs+=(poppler-utils)
  [ -e /usr/bin/chromium ] || pkgs+=(chromium)
  ldconfig -p 2>/dev/null | grep -q libharfbuzz-subset || pkgs+=(libharfbuzz-subset0)
fi
# `--bench` (make bench): wrk, the HTTP load generator of bench/run.py.
if [ "${1:-}" = "--bench" ]; then
  command -v wrk >/dev/null || pkgs+=(wrk)
fi
[ ${#pkgs[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "缺少系统软件包：${pkgs[*]}。请以 root 运行：apt-get install -y ${pkgs[*]}" >&2
  [ "${1:-}" = "--font-only" ] && exit 0 || exit 1
fi
echo "Installing ${pkgs[*]} …"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
