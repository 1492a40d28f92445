"""make backup / make restore: a backup restored into an EMPTY new database holds every record and every uploaded
file, and ID numbers stay encrypted."""

from __future__ import annotations

import subprocess
from pathlib import Path

from core import crypto

from .conftest import query, script_env, seed, table_counts

ID_NUMBER = "11010519900307123X"


def run(script: str, *args: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", script, *args], env=script_env(**env), capture_output=True, text=True, timeout=180)


def test_a_backup_restores_into_an_empty_database_with_every_record_and_file(
    scratch_database, empty_database, tmp_path
):
    person_id = seed(scratch_database)
    media = tmp_path / "media"
    (media / "attachments" / "2026").mkdir(parents=True)
    upload = media / "attachments" / "2026" / "建议附件.pdf"
    upload.write_bytes(b"%PDF-1.4 test attachment")

    made = run("scripts/backup.sh", DATABASE_URL=scratch_database, MEDIA_ROOT=media, BACKUP_DIR=tmp_path / "backups")
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} >= {"db.dump", "media.tar.gz", "SHA256SUMS", "manifest.txt"}

    restored_media = tmp_path / "restored-media"
    done = run("scripts/restore.sh", str(backup), DATABASE_URL=empty_database, MEDIA_ROOT=restored_media)
    assert done.returncode == 0, done.stderr

    expected = table_counts(scratch_database)
    assert expected["deputies_person"] == 2 and expected["deputies_seat"] == 2
    assert table_counts(empty_database) == expected
    ((name, encrypted),) = query(
        empty_database, "select name, id_number_encrypted from deputies_person where id = %s", [person_id]
    )
    assert name == "张三"
    # Still encrypted in the restored database, and readable with the installation's keys.
    assert ID_NUMBER not in encrypted and crypto.decrypt(encrypted) == ID_NUMBER
    assert (restored_media / "attachments" / "2026" / "建议附件.pdf").read_bytes() == upload.read_bytes()


def test_a_damaged_backup_is_refused_before_touching_the_database(tmp_path):
    backup = tmp_path / "broken"
    backup.mkdir()
    (backup / "db.dump").write_bytes(b"not a dump")
    (backup / "media.tar.gz").write_bytes(b"")
    (backup / "SHA256SUMS").write_text("0" * 64 + "  db.dump\n")
    done = run(
        "scripts/restore.sh", str(backup), DATABASE_URL="postgres://nobody@127.0.0.1:1/none", MEDIA_ROOT=tmp_path / "m"
    )
    assert done.returncode == 3
    assert "校验失败" in done.stderr
