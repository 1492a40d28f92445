#!/usr/bin/env bash
# make backup — one consistent copy of the database (pg_dump custom format) and the uploaded files, into
# backups/<timestamp>/. ID numbers stay encrypted in the dump: they are stored encrypted and pg_dump copies the
# ciphertext; the keys (FIELD_ENCRYPTION_KEYS, ID_HASH_KEY in .env) are NOT in the backup — keep them separately.
#
# Environment: DATABASE_URL (postgres://…), MEDIA_ROOT (default var/media), BACKUP_DIR (default backups).
# Prints the backup's directory on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -f .env ] && [ -z "${DATABASE_URL:-}" ]; then set -a; . ./.env; set +a; fi
: "${DATABASE_URL:?DATABASE_URL 未设置（例如 postgres://renda:密码@127.0.0.1:5432/renda）}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "备份只支持 PostgreSQL（DATABASE_URL=$DATABASE_URL）。" >&2; exit 2 ;;
esac
MEDIA_ROOT="${MEDIA_ROOT:-var/media}"
BACKUP_DIR="${BACKUP_DIR:-backups}"
stamp="$(date +%Y%m%d-%H%M%S)"
dest="$BACKUP_DIR/$stamp"
n=1; while [ -e "$dest" ]; do dest="$BACKUP_DIR/$stamp-$n"; n=$((n + 1)); done
mkdir -p "$dest"
umask 077

echo "备份数据库 → $dest/db.dump" >&2
pg_dump --format=custom --no-owner --no-privileges --file="$dest/db.dump" "$DATABASE_URL"

echo "备份上传文件 $MEDIA_ROOT → $dest/media.tar.gz" >&2
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" -T /dev/null
fi

{
  echo "created=$(date -Iseconds)"
  echo "version=$(git describe --tags --always 2>/dev/null || cat VERSION 2>/dev/null || echo unknown)"
  echo "database=${DATABASE_URL##*/}"
} > "$dest/manifest.txt"
(cd "$dest" && sha256sum db.dump media.tar.gz > SHA256SUMS)
echo "备份完成：$dest（$(du -sh "$dest" | cut -f1)）。请把它复制到另一台机器或介质上保存。" >&2
echo "$dest"
