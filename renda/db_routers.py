"""Reads of the report builds on a read replica, when one is configured (`DATABASE_REPLICA_URL`).

The year's reports read every suggestion, duty record and reception of a province; on a replica they do not compete
with the offices' daily work on the primary. Only code inside `reading_replica()` reads there — the Celery report
builds (reports.services.run_job) — so pages never show a replica's lag, and every write goes to the primary.
Without a replica everything reads and writes the one database, as before. Migrations run on the primary only (the
replica follows it by PostgreSQL streaming replication).
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.conf import settings

REPLICA = "replica"
_reading_replica = contextvars.ContextVar("renda_reading_replica", default=False)


def read_alias() -> str:
    """The database alias reads go to here and now: the replica inside reading_replica() when one is configured."""
    return REPLICA if _reading_replica.get() and REPLICA in settings.DATABASES else "default"


@contextmanager
def reading_replica():
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
