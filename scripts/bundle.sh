#!/usr/bin/env bash
# make bundle — on a machine WITH internet access, build dist/renda-bundle-<version>.tar.gz holding everything an
# intranet server needs: the application, Python wheels for this platform (build on the same OS and Python version
# as the server: Debian 12, Python 3.11, x86_64), front-end assets already built, the CJK font package, the compose
# file, systemd units and scripts/install-offline.sh. DOCKER_IMAGES=1 also saves the Docker images (docker save).
#
# Environment: REQUIREMENTS (default requirements.txt), WHEELS_FROM (a directory of wheels to use instead of
# downloading, e.g. a pip cache), DIST (default dist).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
REQUIREMENTS="${REQUIREMENTS:-requirements.txt}"
DIST="${DIST:-dist}"
version="${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || date +%Y%m%d)}"
name="renda-bundle-$version"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/$name"
mkdir -p "$root/wheels" "$root/debs" "$DIST"

echo "1. 程序代码（git HEAD）" >&2
mkdir -p "$root/app"
git archive HEAD | tar -x -C "$root/app"
echo "$version" > "$root/app/VERSION"
cp "$REQUIREMENTS" "$root/requirements.txt"

echo "2. 前端资源（static/vendor）" >&2
[ -f static/vendor/htmx.min.js ] || [ -f node_modules/htmx.org/dist/htmx.min.js ] || make -s assets
mkdir -p "$root/app/static/vendor"
cp -r static/vendor/. "$root/app/static/vendor/"
# The same copy `make assets` makes, in case static/vendor was cleaned after npm ci.
[ -f "$root/app/static/vendor/htmx.min.js" ] || cp node_modules/htmx.org/dist/htmx.min.js "$root/app/static/vendor/"
rm -f "$root/app/static/vendor/.stamp"

echo "3. Python 安装包（wheels）" >&2
if [ -n "${WHEELS_FROM:-}" ]; then
  cp "$WHEELS_FROM"/*.whl "$root/wheels/"
else
  "$PY" -m pip download --quiet --only-binary=:all: -r "$REQUIREMENTS" -d "$root/wheels"
fi
# pip, setuptools and wheel themselves, so the server's venv can be brought up to date offline too.
"$PY" -m pip download --quiet --only-binary=:all: pip -d "$root/wheels" 2>/dev/null || true

echo "4. 中文字体（fonts-wqy-microhei）" >&2
if command -v apt-get >/dev/null 2>&1; then
  (cd "$root/debs" && apt-get download fonts-wqy-microhei >/dev/null 2>&1) || echo "   （apt-get download 失败，字体包未放入）" >&2
fi

echo "5. 部署文件" >&2
cp docker-compose.yml scripts/install-offline.sh "$root/"
chmod +x "$root/install-offline.sh"
if [ "${DOCKER_IMAGES:-0}" = 1 ]; then
  echo "   保存 Docker 镜像" >&2
  docker compose build web >/dev/null
  docker save renda:latest postgres:15 redis:7 | gzip > "$root/images.tar.gz"
fi
(cd "$root" && find . -type f ! -name SHA256SUMS -print0 | sort -z | xargs -0 sha256sum > SHA256SUMS)

tar -C "$work" -czf "$DIST/$name.tar.gz" "$name"
echo "$DIST/$name.tar.gz"
