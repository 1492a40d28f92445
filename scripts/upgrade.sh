#!/usr/bin/env bash
# make upgrade — after unpacking or pulling a new version: back up, rehearse the migrations on a throwaway copy of the
# database, then migrate the real one, collect static files and restart the services. Nothing is changed when the
# rehearsal fails.
#
# Environment: DATABASE_URL, MEDIA_ROOT, BACKUP_DIR (as make backup); PYTHON (default .venv/bin/python);
# RESTART=auto|compose|systemd|none (default auto: docker compose when its services run here, else systemd units
# renda-web, renda-worker, renda-beat when installed, else nothing).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?DATABASE_URL 未设置}"
PY="${PYTHON:-.venv/bin/python}"
RESTART="${RESTART:-auto}"
say() { echo "【升级】$*" >&2; }
db_url_for() {  # the same server, another database name
  "$PY" -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(p._replace(path="/" + sys.argv[2]).geturl())' "$1" "$2"
}

say "1/5 备份当前数据库和上传文件"
backup="$(bash scripts/backup.sh | tail -1)"
say "    备份在 $backup（升级失败时：make restore BACKUP=$backup）"

say "2/5 待执行的数据库迁移："
plan="$("$PY" manage.py migrate --plan)"
echo "$plan" >&2
if echo "$plan" | grep -q "No planned migration operations"; then
  say "    没有待执行的迁移"
  pending=0
else
  pending=1
fi

if [ "$pending" = 1 ]; then
  tmp="renda_upgrade_check_$(date +%s)_$$"
  tmp_url="$(db_url_for "$DATABASE_URL" "$tmp")"
  say "3/5 在临时副本 $tmp 上试运行迁移"
  cleanup() { psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS \"$tmp\"" >/dev/null 2>&1 || true; }
  trap cleanup EXIT
  psql "$DATABASE_URL" -qc "CREATE DATABASE \"$tmp\"" >/dev/null
  pg_restore --no-owner --no-privileges --exit-on-error --dbname="$tmp_url" "$backup/db.dump"
  if ! log="$(DATABASE_URL="$tmp_url" "$PY" manage.py migrate --noinput 2>&1)"; then
    echo "$log" | tail -20 >&2
    say "迁移在临时副本上失败，升级已取消：正式数据库没有任何改动。"
    say "请把上面的错误信息发给技术支持；当前版本可继续使用（或回到旧版本的程序文件）。"
    exit 1
  fi
  cleanup
  trap - EXIT
  say "    试运行成功；迁移正式数据库"
  "$PY" manage.py migrate --noinput || { say "正式数据库迁移失败。恢复：make restore BACKUP=$backup"; exit 1; }
else
  say "3/5 跳过迁移"
fi

say "4/5 收集静态文件"
"$PY" manage.py collectstatic --noinput -v0

say "5/5 重启服务"
if [ "$RESTART" = auto ]; then
  if command -v docker >/dev/null 2>&1 && [ -f docker-compose.yml ] && docker compose ps -q web 2>/dev/null | grep -q .; then
    RESTART=compose
  elif command -v systemctl >/dev/null 2>&1 && systemctl list-unit-files renda-web.service 2>/dev/null | grep -q renda-web; then
    RESTART=systemd
  else
    RESTART=none
  fi
fi
case "$RESTART" in
  compose) docker compose up -d --build web worker beat && say "    已执行 docker compose up -d --build web worker beat" ;;
  systemd) systemctl restart renda-web renda-worker renda-beat && say "    已执行 systemctl restart renda-web renda-worker renda-beat" ;;
  none) say "    未发现 docker compose 服务或 systemd 单元，请手动重启 web、worker 和 beat" ;;
  *) say "RESTART=$RESTART 无效（auto、compose、systemd、none）"; exit 2 ;;
esac
say "升级完成。请打开 /healthz/detail 确认运行正常。"
