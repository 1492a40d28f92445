#!/usr/bin/env bash
# Installs renda from an unpacked bundle (make bundle) with no network: run it from the bundle's directory.
#   sudo ./install-offline.sh                 → /opt/renda (app, .venv), systemd units when run as root
#   TARGET=/srv/renda ./install-offline.sh    → elsewhere, without systemd
# Needs python3 (3.11) with venv on the server; Docker servers use `docker load -i images.tar.gz` instead.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
TARGET="${TARGET:-/opt/renda}"
PYTHON3="${PYTHON3:-python3}"
say() { echo "【安装】$*" >&2; }

(cd "$here" && sha256sum --quiet -c SHA256SUMS) || { say "安装包校验失败（文件不完整或已损坏），请重新拷贝。"; exit 3; }

say "程序文件 → $TARGET"
mkdir -p "$TARGET"
cp -r "$here/app/." "$TARGET/"

say "Python 虚拟环境 $TARGET/.venv（离线安装，不访问网络）"
[ -x "$TARGET/.venv/bin/python" ] || "$PYTHON3" -m venv "$TARGET/.venv"
"$TARGET/.venv/bin/pip" install --quiet --no-index --find-links "$here/wheels" -r "$here/requirements.txt"

if ls "$here"/debs/*.deb >/dev/null 2>&1 && ! fc-list :lang=zh 2>/dev/null | grep -q .; then
  if [ "$(id -u)" = 0 ]; then
    say "中文字体"
    dpkg -i "$here"/debs/*.deb >/dev/null
  else
    say "缺少中文字体：请以 root 运行 dpkg -i $here/debs/*.deb"
  fi
fi

if [ "$(id -u)" = 0 ] && [ -d /etc/systemd/system ] && [ -d "$TARGET/scripts/systemd" ] && [ "${SYSTEMD:-1}" = 1 ]; then
  say "systemd 服务 renda-web、renda-worker、renda-beat"
  id renda >/dev/null 2>&1 || useradd --system --home "$TARGET" renda
  mkdir -p "$TARGET/var" && chown -R renda "$TARGET/var"
  for unit in "$TARGET"/scripts/systemd/*.service; do
    sed "s#/opt/renda#$TARGET#g" "$unit" > "/etc/systemd/system/$(basename "$unit")"
  done
  systemctl daemon-reload
fi

cat >&2 <<MSG
【安装】完成。接下来：
  1. 在 $TARGET/.env 写入配置（见 README“环境变量”：SECRET_KEY、DATABASE_URL、REDIS_URL、FIELD_ENCRYPTION_KEYS、ID_HASH_KEY…）
  2. cd $TARGET && set -a && . ./.env && set +a && .venv/bin/python manage.py migrate && .venv/bin/python manage.py collectstatic --noinput
  3. .venv/bin/python manage.py check --deploy   （按提示修正配置）
  4. systemctl enable --now renda-web renda-worker renda-beat
  5. 打开 http://服务器/healthz/detail 确认一切正常
MSG
