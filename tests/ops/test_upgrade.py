"""make upgrade: backs up, rehearses the migrations on a throwaway copy, migrates, keeps every record; refuses with a
clear message, changing nothing, when a migration would fail."""

from __future__ import annotations

import subprocess

from .conftest import manage, query, script_env, seed, table_counts


def upgrade(url: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "scripts/upgrade.sh"],
        env=script_env(
            DATABASE_URL=url,
            BACKUP_DIR=tmp_path / "backups",
            MEDIA_ROOT=tmp_path / "media",
            STATIC_ROOT=tmp_path / "static",
            RESTART="none",
        ),
        capture_output=True,
        text=True,
        timeout=300,
    )


def ops_applied(url: str) -> bool:
    return bool(query(url, "select 1 from django_migrations where app = 'ops'"))


def leftover_copies(url: str) -> list:
    return query(url, "select datname from pg_database where datname like 'renda_upgrade_check_%%'")


def test_an_upgrade_is_refused_when_a_migration_would_fail_and_keeps_every_record_when_it_runs(
    scratch_database, tmp_path
):
    """One database for both halves: each run of manage.py costs seconds, and the suite must stay fast."""
    seed(scratch_database)
    manage(scratch_database, "migrate", "ops", "zero")  # the installed version predates the ops tables
    # A table in the way of the pending migration: the migration fails.
    query(scratch_database, "create table ops_taskrun (id int); insert into ops_taskrun values (1)")
    before = table_counts(scratch_database)
    assert before["deputies_person"] == 2 and not ops_applied(scratch_database)

    refused = upgrade(scratch_database, tmp_path)
    assert refused.returncode == 1
    assert "升级已取消：正式数据库没有任何改动" in refused.stderr
    assert table_counts(scratch_database) == before
    assert not ops_applied(scratch_database)
    assert not leftover_copies(scratch_database)

    query(scratch_database, "drop table ops_taskrun")  # the obstacle removed
    del before["ops_taskrun"]
    done = upgrade(scratch_database, tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "试运行成功" in done.stderr and "升级完成" in done.stderr
    after = table_counts(scratch_database)
    kept = {t: n for t, n in after.items() if t in before and t != "django_migrations"}
    assert kept == {t: n for t, n in before.items() if t != "django_migrations"}
    assert after["ops_taskrun"] == 0 and ops_applied(scratch_database)
    assert len(list((tmp_path / "backups").iterdir())) == 2, "each run backed up first"
    assert (tmp_path / "static" / "css" / "app.css").exists()
    assert not leftover_copies(scratch_database)
