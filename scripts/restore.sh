#!/usr/bin/env bash
# make restore BACKUP=backups/<timestamp> — puts a backup made by scripts/backup.sh back: the database (pg_restore,
# replacing what is there) and the uploaded files. Stop the web, worker and beat services first.
#
# Environment: DATABASE_URL, MEDIA_ROOT (default var/media). Restoring over a database that already holds tables
# asks for confirmation; RESTORE_CONFIRM=yes skips the question (scripts, tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; . ./.env; set +a; fi
BACKUP="${1:-${BACKUP:-}}"
[ -n "$BACKUP" ] || { echo "用法：make restore BACKUP=backups/20250101-020000" >&2; exit 2; }
[ -f "$BACKUP/db.dump" ] || { echo "$BACKUP 中没有 db.dump，不是 make backup 生成的备份目录。" >&2; exit 2; }
: "${DATABASE_URL:?DATABASE_URL 未设置}"
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"

if [ -f "$BACKUP/SHA256SUMS" ]; then
  (cd "$BACKUP" && sha256sum --quiet -c SHA256SUMS) || { echo "备份文件校验失败（已损坏或被修改），停止恢复。" >&2; exit 3; }
fi

tables="$(psql "$DATABASE_URL" -tAc "select count(*) from information_schema.tables where table_schema='public'")"
if [ "$tables" != "0" ] && [ "${RESTORE_CONFIRM:-}" != "yes" ]; then
  echo "数据库 ${DATABASE_URL##*/} 中已有 $tables 张表，恢复会用备份覆盖其中的数据。" >&2
  read -r -p "确认恢复请输入 yes：" answer
  [ "$answer" = "yes" ] || { echo "已取消。" >&2; exit 1; }
fi

echo "恢复数据库 ← $BACKUP/db.dump" >&2
pg_restore --clean --if-exists --no-owner --no-privileges --exit-on-error --single-transaction \
  --dbname="$DATABASE_URL" "$BACKUP/db.dump"

echo "恢复上传文件 → $MEDIA_ROOT" >&2
mkdir -p "$MEDIA_ROOT"
tar -C "$MEDIA_ROOT" -xzf "$BACKUP/media.tar.gz"
echo "恢复完成。请启动服务并在“运行状态”页（/healthz/detail）确认一切正常。" >&2
